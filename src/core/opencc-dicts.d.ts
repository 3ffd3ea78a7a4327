/** opencc-js's dictionaries, each a module whose default export is its `from to|from to` string. */
declare module 'opencc-js/dict/*' {
  const dict: string;
  export default dict;
}

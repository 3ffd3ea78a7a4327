// `node --import <this file>` runs TypeScript as the tests and the bench need it: tsx's ESM hooks only.
// `--import tsx` would also install its CommonJS hook, and would be resolved from the child's working
// directory (tests run the CLI from an empty temporary one); this file resolves tsx from the repository.
import { register } from 'tsx/esm/api';

register();

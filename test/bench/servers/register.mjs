// Loads TypeScript the way production does (src/bin/iiot.js): tsx's ESM hooks only. `--import tsx`
// would also install its CommonJS hook, which holds ~20 MB more for node-sdk and skews the memory bench.
import { register } from 'tsx/esm/api';

register();

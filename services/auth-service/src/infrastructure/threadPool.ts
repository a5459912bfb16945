import { availableParallelism } from 'node:os';

// argon2 runs on libuv's thread pool, which also serves DNS lookups, file reads and WebCrypto (token
// signing). Its size is read once, when the pool first starts, so the server entry imports this module
// before any other: one thread per core for argon2 (ARGON2_CONCURRENCY) plus two, so that the rest never
// waits behind hashing. An explicit UV_THREADPOOL_SIZE wins. (Under tsx, as in `npm run dev`, the loader
// has started the pool already; set UV_THREADPOOL_SIZE in the environment there if it matters.)
process.env.UV_THREADPOOL_SIZE ??= String(Math.max(4, availableParallelism() + 2));

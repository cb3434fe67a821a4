// What the bundle gets for `node:http` (infra/function-runtime.ts aliases it here). An ESM `import` of `node:http`
// makes Node build the module's namespace, which reads its lazy `WebSocket` export and so loads undici
// (Node.js ≥ 22): 4 MB more RSS at import of the bundle, measured, for a module only the IMDS credential
// provider imports statically. Behind this CommonJS wrapper, node:http loads when that code first runs.
module.exports = process.getBuiltinModule("node:http");

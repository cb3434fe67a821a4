/**
 * avsc's types-only entry point (schemas and binary encoding, without its file, stream and RPC code
 * and their Node.js imports): half the bundle of the main entry, with the same API.
 * https://github.com/mtth/avsc/blob/master/etc/browser/avsc-types.js
 * It is CommonJS whose exports Node.js cannot list for named ESM imports: import its default.
 */
declare module "avsc/etc/browser/avsc-types.js" {
  const avsc: typeof import("avsc");
  export default avsc;
}

/**
 * avsc's types-only entry point (schemas and binary encoding, without its file, stream and RPC code
 * and their Node.js imports): half the bundle of the main entry. Same API as the main module.
 * https://github.com/mtth/avsc/blob/master/etc/browser/avsc-types.js
 */
declare module "avsc/etc/browser/avsc-types.js" {
  export * from "avsc";
}

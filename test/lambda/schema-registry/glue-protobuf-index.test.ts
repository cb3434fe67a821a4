import { describe, expect, it } from "vitest";
import { glueMessagePaths } from "../../../lambda/schema-registry/glue-protobuf-index";

describe("glueMessagePaths", () => {
  it("numbers messages as Glue's MessageIndexFinder does (its own example: B = 0, B.A = 1, B.A.D = 2, B.C = 3)", () => {
    const proto = `syntax = "proto3";
      message B {
        message C {}
        message A { message D {} }
      }`;
    expect(glueMessagePaths(proto)).toEqual([[0], [0, 1], [0, 1, 0], [0, 0]]);
  });

  it("sorts by full name, package included, across top-level messages", () => {
    const proto = `syntax = "proto3"; package shop.v1;
      message Order { int64 id = 1; Item item = 2; message Item { string sku = 1; } }
      message Customer { string name = 1; }`;
    // shop.v1.Customer, shop.v1.Order, shop.v1.Order.Item
    expect(glueMessagePaths(proto)).toEqual([[1], [0], [0, 0]]);
  });

  it("ignores comments, strings, enums, oneofs, services, options and fields named message", () => {
    const proto = `syntax = "proto3";
      // message Commented { }
      /* message Blocked { } */
      option java_package = "message Quoted {";
      enum Kind { A = 0; B = 1; }
      message Envelope {
        string message = 1;
        oneof body { string text = 2; Inner inner = 3; }
        enum Level { LOW = 0; }
        message Inner { map<string, string> tags = 1 [deprecated = true]; }
      }
      service Api { rpc Get (Envelope) returns (Envelope) { option (x) = { y: 1 }; } }
      message After {}`;
    // After, Envelope, Envelope.Inner
    expect(glueMessagePaths(proto)).toEqual([[1], [0], [0, 0]]);
  });

  it("is empty for a schema without messages", () => {
    expect(glueMessagePaths('syntax = "proto3"; enum E { A = 0; }')).toEqual([]);
  });
});

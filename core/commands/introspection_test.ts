/** Tests for introspection.ts (COMMAND) and the container HELP it shares. */
import assert from "node:assert/strict";
import { Harness, mapOf, Plain } from "../../tests/helpers/command_harness.ts";
import { parseSyntax } from "../command_syntax.ts";

Deno.test("command() COUNT and LIST cover the whole table, LIST with subcommands", async () => {
  const h = new Harness();
  const c = h.client();
  assert.equal(await h.call(c, "COMMAND", "COUNT"), h.server.table.size);
  const names = await h.call(c, "COMMAND", "LIST") as string[];
  assert.ok(names.includes("ping") && names.includes("client|kill") && names.includes("exec"));
  assert.deepEqual(await h.call(c, "COMMAND", "LIST", "FILTERBY", "PATTERN", "slowlog*"), [
    "slowlog",
    "slowlog|get",
    "slowlog|len",
    "slowlog|reset",
    "slowlog|help",
  ]);
  const admin = await h.call(c, "COMMAND", "LIST", "FILTERBY", "ACLCAT", "admin") as string[];
  assert.ok(admin.includes("config|set") && !admin.includes("ping"));
  assert.deepEqual(await h.call(c, "COMMAND", "LIST", "FILTERBY", "COLOR", "x"), {
    error: "ERR syntax error",
  });
});

Deno.test("command() INFO gives Redis 7's ten fields, nil for unknown names", async () => {
  const h = new Harness();
  const c = h.client();
  const [watch, nothing, sub] = await h.call(
    c,
    "COMMAND",
    "INFO",
    "watch",
    "nope",
    "config|get",
  ) as [
    Plain[],
    Plain,
    Plain[],
  ];
  assert.equal(nothing, null);
  assert.deepEqual(watch.slice(0, 8), [
    "watch",
    -2,
    { set: ["noscript", "loading", "stale", "fast", "allow_busy"].map((status) => ({ status })) },
    1,
    -1,
    1,
    { set: [{ status: "@transaction" }, { status: "@fast" }] },
    { set: [] },
  ]);
  const [spec] = watch[8] as Plain[];
  assert.deepEqual(mapOf(mapOf(spec ?? null)["find_keys"] ?? null)["spec"], {
    map: [["lastkey", -1], ["keystep", 1], ["limit", 0]],
  });
  assert.equal(sub[0], "config|get");
  assert.equal(sub[1], -3);
  const all = await h.call(c, "COMMAND") as Plain[];
  assert.equal(all.length, h.server.table.size);
});

Deno.test("command() DOCS maps names to summary, since, group, arguments, subcommands", async () => {
  const h = new Harness();
  const c = h.client();
  const docs = mapOf(await h.call(c, "COMMAND", "DOCS", "config", "nope"));
  assert.deepEqual(Object.keys(docs), ["config"]);
  const config = mapOf(docs["config"] ?? null);
  assert.equal(config["group"], "server");
  assert.equal(config["since"], "2.0.0");
  const set = mapOf(mapOf(config["subcommands"] ?? null)["config|set"] ?? null);
  assert.equal(set["summary"], "Sets configuration parameters in-flight.");
  assert.deepEqual(set["arguments"], [{
    map: [
      ["name", "parameter-value"],
      ["type", "block"],
      ["flags", { set: [{ status: "multiple" }] }],
      ["arguments", [
        { map: [["name", "parameter"], ["type", "string"]] },
        { map: [["name", "value"], ["type", "string"]] },
      ]],
    ],
  }]);
  const everything = mapOf(await h.call(c, "COMMAND", "DOCS"));
  assert.equal(Object.keys(everything).length, h.server.table.size);
});

Deno.test("command() GETKEYS uses key positions, with Redis's errors", async () => {
  const h = new Harness();
  const c = h.client();
  assert.deepEqual(await h.call(c, "COMMAND", "GETKEYS", "WATCH", "a", "b"), ["a", "b"]);
  assert.deepEqual(await h.call(c, "COMMAND", "GETKEYS", "nope", "x"), {
    error: "ERR Invalid command specified",
  });
  assert.deepEqual(await h.call(c, "COMMAND", "GETKEYS", "echo", "a", "b"), {
    error: "ERR The command has no key arguments",
  });
  assert.deepEqual(await h.call(c, "COMMAND", "GETKEYS", "get", "a", "b"), {
    error: "ERR Invalid number of arguments specified for command",
  });
  assert.deepEqual(await h.call(c, "COMMAND", "GETKEYS", "config", "nope", "x"), {
    error: "ERR Invalid command specified",
  });
  assert.deepEqual(await h.call(c, "COMMAND", "GETKEYS", "ping", "x"), {
    error: "ERR The command has no key arguments",
  });
  assert.deepEqual(await h.call(c, "COMMAND", "GETKEYS", "watch"), {
    error: "ERR wrong number of arguments for 'command|getkeys' command",
  });
});

Deno.test("command() GETKEYS reports every key of RedisAI's getkeys-api commands", async () => {
  const h = new Harness();
  const c = h.client();
  const keys = (...args: string[]) => h.call(c, "COMMAND", "GETKEYS", ...args);
  assert.deepEqual(
    await keys("AI.MODELEXECUTE", "m", "INPUTS", "2", "a", "b", "OUTPUTS", "1", "c"),
    ["m", "a", "b", "c"],
  );
  assert.deepEqual(await keys("AI.MODELRUN", "m", "INPUTS", "a", "OUTPUTS", "c"), ["m", "a", "c"]);
  assert.deepEqual(
    await keys(
      "AI.SCRIPTEXECUTE",
      "s",
      "f",
      "KEYS",
      "1",
      "k",
      "INPUTS",
      "1",
      "a",
      "OUTPUTS",
      "1",
      "b",
    ),
    ["s", "k", "a", "b"],
  );
  assert.deepEqual(await keys("AI.SCRIPTRUN", "s", "f", "INPUTS", "a", "OUTPUTS", "b"), [
    "s",
    "a",
    "b",
  ]);
  assert.deepEqual(
    await keys("AI.DAGEXECUTE", "ROUTING", "k", "|>", "AI.MODELEXECUTE", "m", "INPUTS", "1", "x"),
    ["k", "m"],
  );
  assert.deepEqual(await keys("AI.DAGEXECUTE_RO", "|>", "AI.TENSORGET", "x"), {
    error: "ERR Invalid arguments specified for command",
  });
  assert.deepEqual(await keys("AI.MODELEXECUTE", "m"), {
    error: "ERR Invalid arguments specified for command",
  });
  // Arity -1: a call too short to run still has its key.
  assert.deepEqual(await keys("AI.TENSORSET", "t"), ["t"]);
});

Deno.test("command() GETKEYS and INFO give a subcommand's own key, as Redis 7", async () => {
  const h = new Harness();
  const c = h.client();
  const keys = (...args: string[]) => h.call(c, "COMMAND", "GETKEYS", ...args);
  assert.deepEqual(await keys("OBJECT", "ENCODING", "k"), ["k"]);
  assert.deepEqual(await keys("memory", "usage", "k", "SAMPLES", "5"), ["k"]);
  assert.deepEqual(await keys("OBJECT", "HELP"), {
    error: "ERR The command has no key arguments",
  });
  assert.deepEqual(await keys("OBJECT", "ENCODING"), {
    error: "ERR Invalid number of arguments specified for command",
  });
  assert.deepEqual(await keys("OBJECT", "NOPE", "k"), { error: "ERR Invalid command specified" });
  const [object] = await h.call(c, "COMMAND", "INFO", "object") as Plain[][];
  const subs = (object?.[9] ?? []) as Plain[][];
  const encoding = subs.find((row) => row[0] === "object|encoding");
  assert.deepEqual(encoding?.slice(0, 2), ["object|encoding", 3]);
  assert.deepEqual(encoding?.slice(3, 6), [2, 2, 1]);
  assert.deepEqual(subs.find((row) => row[0] === "object|help")?.slice(3, 6), [0, 0, 0]);
});

Deno.test("command() GETKEYSANDFLAGS pairs each key with its key spec's flags", async () => {
  const h = new Harness();
  const c = h.client();
  const flags = (...names: string[]) => ({ set: names.map((status) => ({ status })) });
  assert.deepEqual(await h.call(c, "COMMAND", "GETKEYSANDFLAGS", "GET", "a"), [
    ["a", flags("RO", "access")],
  ]);
  assert.deepEqual(
    await h.call(c, "COMMAND", "GETKEYSANDFLAGS", "AI.SCRIPTRUN", "s", "f", "INPUTS", "a"),
    [
      ["s", flags("RW", "access", "update", "variable_flags")],
      ["a", flags("RW", "access", "update", "variable_flags")],
    ],
  );
  assert.deepEqual(await h.call(c, "COMMAND", "GETKEYSANDFLAGS", "PING", "x"), {
    error: "ERR The command has no key arguments",
  });
});

Deno.test("command() INFO gives RedisAI's key range, arity -1, movablekeys and module key flags", async () => {
  const h = new Harness();
  const c = h.client();
  const rows = await h.call(
    c,
    "COMMAND",
    "INFO",
    "ai.scriptexecute",
    "ai.scriptrun",
    "ai.tensorget",
  ) as Plain[][];
  assert.deepEqual(rows.map((row) => row.slice(3, 6)), [[5, 5, 1], [4, 4, 1], [1, 1, 1]]);
  // Module commands are registered with arity -1 and check their own count when they run.
  assert.deepEqual(rows.map((row) => row[1]), [-1, -1, -1]);
  const flagsOf = (row: Plain[] | undefined) => (row?.[2] as { set: { status: string }[] }).set;
  assert.ok(flagsOf(rows[0]).some((f) => f.status === "movablekeys"));
  const specFlags = rows.map((row) => mapOf(((row[8] as Plain[])[0]) ?? null)["flags"]);
  assert.deepEqual(specFlags, [
    { set: ["RW", "access", "update", "variable_flags"].map((status) => ({ status })) },
    { set: ["RW", "access", "update", "variable_flags"].map((status) => ({ status })) },
    { set: ["RW", "access", "update"].map((status) => ({ status })) },
  ]);
});

Deno.test("container() HELP lists each subcommand's syntax and summary", async () => {
  const h = new Harness();
  const c = h.client();
  assert.deepEqual(
    await h.call(c, "SLOWLOG", "HELP"),
    [
      "SLOWLOG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
      "GET [count]",
      "    Returns the slow log's entries.",
      "LEN",
      "    Returns the number of entries in the slow log.",
      "RESET",
      "    Clears all entries from the slow log.",
      "HELP",
      "    Prints this help.",
    ].map((status) => ({ status })),
  );
  assert.deepEqual(await h.call(c, "SLOWLOG"), {
    error: "ERR wrong number of arguments for 'slowlog' command",
  });
  assert.deepEqual(await h.call(c, "slowlog", "len", "x"), {
    error: "ERR wrong number of arguments for 'slowlog|len' command",
  });
});

Deno.test("command() DOCS answers for a subcommand named container|sub", async () => {
  const h = new Harness();
  const c = h.client();
  const docs = mapOf(await h.call(c, "COMMAND", "DOCS", "config|get", "config|nope"));
  assert.deepEqual(Object.keys(docs), ["config|get"]);
  assert.equal(
    mapOf(docs["config|get"] ?? null)["summary"],
    "Returns the effective values of configuration parameters.",
  );
});

Deno.test("command() DOCS names the module of a module command", async () => {
  const h = new Harness();
  const c = h.client();
  const docs = mapOf(await h.call(c, "COMMAND", "DOCS", "ai.tensorget", "get"));
  assert.equal(mapOf(docs["ai.tensorget"] ?? null)["module"], "ai");
  assert.equal(mapOf(docs["get"] ?? null)["module"], undefined);
});

Deno.test("command() DOCS can render every row's syntax line", () => {
  const h = new Harness();
  for (const spec of h.server.table.all()) {
    for (const doc of [spec, ...(spec.subcommands ?? [])]) {
      if (doc.arguments === undefined) continue;
      assert.doesNotThrow(() => parseSyntax(doc.arguments ?? ""), `${spec.name}: ${doc.arguments}`);
    }
  }
});

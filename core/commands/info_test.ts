/** Tests for info.ts: section selection, field formats and registered sections. */
import assert from "node:assert/strict";
import { Harness } from "../../tests/helpers/command_harness.ts";
import { bytesToHuman } from "./info_sections.ts";

function headers(text: unknown): string[] {
  return String(text).split("\r\n").filter((l) => l.startsWith("# "));
}

/** `field -> value` of an INFO text. */
function fields(text: unknown): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of String(text).split("\r\n")) {
    const at = line.indexOf(":");
    if (at > 0 && !line.startsWith("#")) out.set(line.slice(0, at), line.slice(at + 1));
  }
  return out;
}

Deno.test("info() gives Redis's default, all and everything section lists", async () => {
  const h = new Harness();
  const c = h.client();
  h.server.infoSections.set("ai_versions", () => [["ai_RedisAI_version", "1.2.9"]]);
  const defaults = [
    "# Server",
    "# Clients",
    "# Memory",
    "# Persistence",
    "# Stats",
    "# Replication",
    "# CPU",
    "# Modules",
    "# Errorstats",
    "# Cluster",
    "# Keyspace",
  ];
  assert.deepEqual(headers(await h.call(c, "INFO")), defaults);
  assert.deepEqual(headers(await h.call(c, "INFO", "default")), defaults);
  const all = [...defaults.slice(0, 8), "# Commandstats", ...defaults.slice(8)];
  assert.deepEqual(headers(await h.call(c, "INFO", "ALL")), all);
  assert.deepEqual(headers(await h.call(c, "INFO", "everything")), [...all, "# ai_versions"]);
  assert.deepEqual(headers(await h.call(c, "INFO", "modules")), ["# Modules", "# ai_versions"]);
  assert.deepEqual(headers(await h.call(c, "INFO", "keyspace", "Server")), [
    "# Server",
    "# Keyspace",
  ]);
  assert.equal(await h.call(c, "INFO", "nonsense"), "");
});

Deno.test("info() text ends each line with CRLF and separates sections with a blank line", async () => {
  const h = new Harness();
  const c = h.client();
  const text = String(await h.call(c, "INFO", "cluster", "replication"));
  assert.match(text, /^# Replication\r\nrole:master\r\n/);
  assert.ok(text.endsWith("\r\n\r\n# Cluster\r\ncluster_enabled:1\r\n"));
});

Deno.test("info() reports server, clients, memory, stats and keyspace fields", async () => {
  const h = new Harness({ maxmemory: 2048 });
  const c = h.client();
  h.client();
  const db = h.server.keyspace.db(0);
  db.set("a", { type: "string", value: new Uint8Array(3), bytes: 19 });
  db.set("b", { type: "string", value: new Uint8Array(3), bytes: 19 });
  db.setExpire("b", h.nowMs + 60_000);
  h.nowMs += 90_000;
  const info = fields(await h.call(c, "INFO", "everything"));
  assert.equal(info.get("redis_version"), "7.2.0");
  assert.equal(info.get("process_id"), String(Deno.pid));
  assert.equal(info.get("tcp_port"), "6379");
  assert.equal(info.get("uptime_in_seconds"), "90");
  assert.equal(info.get("connected_clients"), "2");
  assert.equal(info.get("used_memory"), String(h.server.keyspace.usedBytes));
  assert.equal(info.get("maxmemory"), "2048");
  assert.equal(info.get("maxmemory_human"), "2.00K");
  assert.equal(info.get("db0"), "keys=2,expires=1,avg_ttl=0");
  assert.equal(info.get("rdb_last_bgsave_status"), "ok");
  assert.match(info.get("used_cpu_user") ?? "", /^\d+\.\d{6}$/);
  assert.match(info.get("run_id") ?? "", /^[0-9a-f]{40}$/);
});

Deno.test("info() commandstats and errorstats count calls, failures and rejections", async () => {
  const h = new Harness();
  const c = h.client();
  await h.call(c, "PING");
  await h.call(c, "PING");
  await h.call(c, "PING", "a", "b");
  await h.call(c, "ECHO");
  const info = fields(await h.call(c, "INFO", "commandstats", "errorstats"));
  const ping = info.get("cmdstat_ping") ?? "";
  assert.match(ping, /^calls=3,usec=\d+,usec_per_call=\d+\.\d\d,rejected_calls=0,failed_calls=1$/);
  assert.match(
    info.get("cmdstat_echo") ?? "",
    /^calls=0,usec=0,usec_per_call=0\.00,rejected_calls=1,/,
  );
  assert.equal(info.get("errorstat_ERR"), "count=2");
});

Deno.test("info() commandstats counts container commands per subcommand", async () => {
  const h = new Harness();
  const c = h.client();
  await h.call(c, "CONFIG", "GET", "maxmemory");
  await h.call(c, "CONFIG", "get", "port");
  await h.call(c, "CLIENT", "ID");
  const info = fields(await h.call(c, "INFO", "commandstats"));
  assert.match(info.get("cmdstat_config|get") ?? "", /^calls=2,/);
  assert.match(info.get("cmdstat_client|id") ?? "", /^calls=1,/);
  assert.equal(info.get("cmdstat_config"), undefined);
});

Deno.test("info() merges a registered section of a built-in name by field", async () => {
  const h = new Harness();
  const c = h.client();
  h.server.infoSections.set("persistence", () => [
    ["rdb_last_save_time", 1234],
    ["rdb_saves", 7],
    ["aof_fsync", "everysec"],
  ]);
  const text = String(await h.call(c, "INFO", "persistence"));
  const info = fields(text);
  assert.equal(info.get("rdb_last_save_time"), "1234");
  assert.equal(info.get("rdb_saves"), "7");
  assert.equal(info.get("loading"), "0");
  assert.ok(text.endsWith("aof_last_write_status:ok\r\naof_fsync:everysec\r\n"));
  assert.deepEqual(headers(text), ["# Persistence"]);
});

Deno.test("bytesToHuman() formats like Redis", () => {
  assert.equal(bytesToHuman(0), "0B");
  assert.equal(bytesToHuman(1023), "1023B");
  assert.equal(bytesToHuman(1536), "1.50K");
  assert.equal(bytesToHuman(5 * 1024 * 1024), "5.00M");
  assert.equal(bytesToHuman(3 * 1024 ** 3), "3.00G");
});

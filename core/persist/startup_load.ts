/**
 * Loading persisted state at start-up, before the server answers anyone. With `appendonly
 * yes` and an append-only file present, that file wins (its snapshot preamble, then every
 * logged write replayed through the command table); otherwise the snapshot is loaded.
 *
 * A damaged file is refused with its name and byte offset, and nothing of it stays in the
 * keyspace. Two exceptions, both logged: a log whose last write group was cut short (a crash
 * mid-write) is loaded without that group and trimmed when `aof-load-truncated` is on; and
 * with `start-empty-on-corrupt` a damaged file is moved aside and the server starts empty.
 */
import { ClientState } from "../client.ts";
import { run } from "../dispatch.ts";
import { CommandError } from "../errors.ts";
import { text } from "../keys.ts";
import type { ServerState } from "../server_state.ts";
import type { LoadContext } from "./entry_codecs.ts";
import { CorruptFileError, FrameReader } from "./frame.ts";
import {
  installEntry,
  LoadedEntry,
  LogOp,
  openDataFile,
  readFileHeader,
  readSnapshotFile,
} from "./snapshot_reader.ts";

export interface LoadResult {
  readonly source: "appendonly" | "snapshot" | "none";
  readonly path: string;
  readonly keysExpired: number;
  /** Append-only log: commands replayed, the preamble's size and the file's good size. */
  readonly commands: number;
  readonly baseBytes: number;
  readonly goodBytes: number;
}

interface Counts {
  expired: number;
}

function install(server: ServerState, loaded: LoadedEntry, counts: Counts): void {
  const at = loaded.expireAtMs;
  if (at !== undefined && at <= server.now()) {
    counts.expired++;
    server.keyspace.db(loaded.db).delete(loaded.key);
    return;
  }
  installEntry(server.keyspace, loaded);
}

async function loadSnapshot(server: ServerState, path: string): Promise<LoadResult | undefined> {
  const contents = await readSnapshotFile(path, { server });
  if (contents === undefined) return undefined;
  const counts = { expired: 0 };
  for (const e of contents.entries) install(server, e, counts);
  const size = (await Deno.stat(path)).size;
  return {
    source: "snapshot",
    path,
    keysExpired: counts.expired,
    commands: 0,
    baseBytes: size,
    goodBytes: size,
  };
}

async function applyOp(
  server: ServerState,
  client: ClientState,
  op: LogOp,
  counts: Counts,
): Promise<string | undefined> {
  if (op.kind === "entry") {
    install(server, op, counts);
    return;
  }
  const db = server.keyspace.db(op.db);
  if (op.kind === "delete") {
    db.delete(op.key);
  } else if (op.kind === "expire") {
    if (op.atMs <= server.now()) db.delete(op.key);
    else if (db.get(op.key) !== undefined) db.setExpire(op.key, op.atMs);
  } else {
    const name = text(op.args[0] ?? new Uint8Array(0));
    const spec = server.table.get(name.toLowerCase());
    if (spec === undefined) return `unknown command '${name}'`;
    client.dbIndex = op.db;
    const reply = await run(server, client, spec, op.args);
    if (reply instanceof CommandError) {
      console.warn(`inferdb: replaying ${name} from the append-only file failed: ${reply.message}`);
    }
  }
}

async function replay(
  server: ServerState,
  r: FrameReader,
  ctx: LoadContext,
  truncatedOk: boolean,
): Promise<LoadResult> {
  const decoder = await readFileHeader(r);
  const counts = { expired: 0 };
  const staged: LoadedEntry[] = [];
  await decoder.snapshot(r, ctx, (e) => staged.push(e));
  for (const e of staged) install(server, e, counts);
  const baseBytes = r.offset;
  const client = new ClientState(0, "aof-replay", "", server.now(), true, () => {}, () => {});
  let goodBytes = baseBytes;
  let commands = 0;
  for (;;) {
    let ops: LogOp[] | undefined;
    try {
      ops = await decoder.logGroup(r, ctx);
    } catch (e) {
      if (!(e instanceof CorruptFileError && e.truncated && truncatedOk)) throw e;
      console.warn(
        `inferdb: !!! ${e.message}: the last write (${r.sizeBytes - goodBytes} bytes at ` +
          `offset ${goodBytes}) was cut short; loading without it (aof-load-truncated yes)`,
      );
      break;
    }
    if (ops === undefined) break;
    for (const op of ops) {
      const problem = await applyOp(server, client, op, counts);
      if (problem !== undefined) throw r.corrupt(problem, goodBytes);
      if (op.kind === "command") commands++;
    }
    goodBytes = r.offset;
  }
  return {
    source: "appendonly",
    path: r.path,
    keysExpired: counts.expired,
    commands,
    baseBytes,
    goodBytes,
  };
}

async function loadAppendLog(
  server: ServerState,
  path: string,
): Promise<LoadResult | undefined> {
  const opened = await openDataFile(path);
  if (opened === undefined) return undefined;
  let result: LoadResult;
  try {
    result = await replay(server, opened.reader, { server }, server.config["aof-load-truncated"]);
  } finally {
    await opened.close();
  }
  if (result.goodBytes < opened.reader.sizeBytes) await Deno.truncate(path, result.goodBytes);
  return result;
}

/** Loads the append-only file or the snapshot into the (empty) keyspace. */
export async function loadAtStartup(
  server: ServerState,
  paths: { readonly snapshot: string; readonly appendonly: string },
): Promise<LoadResult> {
  const useLog = server.config.appendonly;
  const path = useLog ? paths.appendonly : paths.snapshot;
  try {
    const result = useLog ? await loadAppendLog(server, path) : await loadSnapshot(server, path);
    if (result !== undefined) return result;
    // Turning on appendonly for the first time: the log starts from the snapshot.
    const fromSnapshot = useLog ? await loadSnapshot(server, paths.snapshot) : undefined;
    return fromSnapshot ?? {
      source: "none",
      path,
      keysExpired: 0,
      commands: 0,
      baseBytes: 0,
      goodBytes: 0,
    };
  } catch (e) {
    if (!(e instanceof CorruptFileError) || !server.config["start-empty-on-corrupt"]) throw e;
    for (const db of server.keyspace.dbs) db.flush();
    const aside = `${e.path}.corrupt-${server.now()}`;
    await Deno.rename(e.path, aside);
    console.warn(
      `inferdb: !!! ${e.message}; moved it to ${aside} and starting empty ` +
        "(start-empty-on-corrupt yes)",
    );
    return loadAtStartup(server, paths);
  }
}

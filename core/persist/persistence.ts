/**
 * The persistence layer as the server sees it (`server.persistence`): loading at start-up,
 * SAVE/BGSAVE and save points, the append-only log and its rewrites, the INFO persistence
 * fields, and the shutdown save.
 *
 * Hooks for the rest of the server:
 * - `logCommand` — the dispatcher calls it after a command flagged `write` succeeded and
 *   changed the keyspace. Relative expiry times are logged as absolute ones.
 * - `logKeyWrite(ctx, key)` — for handlers whose result is not a pure function of their
 *   arguments (model, script and DAG runs): call it right after storing each output. The
 *   resulting value is logged and the command itself is not, so replay never re-runs a model.
 * - `durable()` — transports await it (when defined) before sending replies: under
 *   `appendfsync always` no reply leaves before its write is on disk.
 */
import { type CommandContext, type CommandSpec, keyPositions } from "../command.ts";
import { CommandError } from "../errors.ts";
import { bytesToKey } from "../keys.ts";
import type { ServerState } from "../server_state.ts";
import { AppendLog, FsyncPolicy } from "./append_log.ts";
import { joinPath } from "./atomic_file.ts";
import { CorruptFileError } from "./frame.ts";
import { persistenceInfo } from "./persistence_info.ts";
import { parseSavePoints, savePointDue } from "./save_points.ts";
import { captureKeyspace, saveSnapshotFile } from "./snapshot_writer.ts";
import { loadAtStartup } from "./startup_load.ts";
import { rewriteAppendLog } from "./log_rewrite.ts";

const TICK_MS = 100;
const FSYNC_EVERY_MS = 1000;
/** After a failed background save, save points wait this long before trying again. */
const BGSAVE_RETRY_MS = 5000;

/** A background job (snapshot or log rewrite) in progress. */
interface Job {
  readonly done: Promise<unknown>;
  readonly abort: AbortController;
  readonly startedMs: number;
  readonly foreground: boolean;
}

/** Replies held back during the shutdown save (writes after its capture won't be saved). */
interface Hold {
  readonly changes: number;
  readonly promise: Promise<void>;
  readonly release: () => void;
}

export class Persistence {
  loading = true;
  aof: AppendLog | undefined;
  bgsave: Job | undefined;
  rewrite: Job | undefined;
  /** `keyspace.changes` when the last successful snapshot was captured. */
  changesAtSave: number;
  lastSaveMs: number;
  /** Monotonic (INFO `rdb_last_save_time`, LASTSAVE). */
  lastSaveSec: number;
  lastBgsaveOk = true;
  lastBgsaveTryMs = 0;
  lastBgsaveSec = -1;
  saves = 0;
  lastRewriteOk = true;
  lastRewriteSec = -1;
  rewrites = 0;
  rewriteFailures = 0;
  keysLoaded = 0;
  keysExpiredAtLoad = 0;
  private lastFsyncTickMs = 0;
  private readonly timer: ReturnType<typeof setInterval>;
  private readonly selfLogged = new WeakSet<CommandContext>();
  private hold: Hold | undefined;
  private loadRun: Promise<void> | undefined;

  constructor(private readonly server: ServerState) {
    this.changesAtSave = server.keyspace.changes;
    this.lastSaveMs = server.now();
    this.lastSaveSec = Math.floor(this.lastSaveMs / 1000);
    server.infoSections.set("persistence", () => persistenceInfo(this, server));
    this.timer = setInterval(() => this.tick(), TICK_MS);
  }

  get snapshotPath(): string {
    return joinPath(this.server.config.dir, this.server.config.dbfilename);
  }

  get appendonlyPath(): string {
    return joinPath(this.server.config.dir, this.server.config.appendfilename);
  }

  /** Loads the data files (see startup_load.ts), then opens the append-only log if enabled. */
  load(): Promise<void> {
    this.loadRun = this.loadFiles();
    return this.loadRun;
  }

  private async loadFiles(): Promise<void> {
    const startMs = performance.now();
    const paths = { snapshot: this.snapshotPath, appendonly: this.appendonlyPath };
    let result;
    try {
      result = await loadAtStartup(this.server, paths);
    } catch (e) {
      if (!(e instanceof CorruptFileError)) throw e;
      throw new Error(`${e.message} (start-empty-on-corrupt yes moves it aside, starts empty)`);
    }
    this.keysLoaded = this.server.keyspace.totalKeys();
    this.keysExpiredAtLoad = result.keysExpired;
    this.changesAtSave = this.server.keyspace.changes;
    if (result.source !== "none") {
      const ms = (performance.now() - startMs).toFixed(1);
      const replayed = result.source === "appendonly" ? `, ${result.commands} writes replayed` : "";
      console.log(
        `inferdb: loaded ${this.keysLoaded} keys from ${result.path} in ${ms} ms` +
          ` (${result.keysExpired} expired${replayed})`,
      );
    }
    if (this.server.config.appendonly) {
      if (result.source === "appendonly") {
        const log = this.newLog();
        const file = await Deno.open(result.path, { write: true, append: true });
        log.adopt(file, result.goodBytes, result.baseBytes);
      } else if (!(await this.startLog())) {
        throw new Error(`cannot create the append-only file ${this.appendonlyPath}`);
      }
    }
    this.loading = false;
  }

  logCommand(ctx: CommandContext, spec: CommandSpec, args: readonly Uint8Array[]): void {
    const aof = this.aof;
    if (aof === undefined || this.selfLogged.has(ctx)) return;
    const db = ctx.db;
    aof.appendCommand(db.index, args);
    if (db.expires.size === 0) return;
    for (const i of keyPositions(spec, args)) {
      const key = bytesToKey(args[i] as Uint8Array);
      const atMs = db.ttlAt(key);
      if (atMs !== undefined) aof.appendExpire(db.index, key, atMs);
    }
  }

  /** Logs the value now at `key` (or its absence) in place of the running command. */
  logKeyWrite(ctx: CommandContext, key: string): void {
    this.selfLogged.add(ctx);
    const db = ctx.db;
    this.aof?.appendEntry(db.index, key, db.entries.get(key), db.ttlAt(key));
  }

  /** What replies must wait for; `undefined` when they may go now. */
  durable(): Promise<void> | undefined {
    const logged = this.aof?.durable();
    const hold = this.hold;
    if (hold === undefined || this.aof !== undefined) return logged;
    return this.server.keyspace.changes === hold.changes ? logged : hold.promise;
  }

  /** SAVE: a snapshot now; resolves once it is durable under its final name. */
  async save(): Promise<void> {
    this.startSave(true);
    await this.bgsave?.done;
    if (!this.lastBgsaveOk) throw new CommandError("ERR");
  }

  /** BGSAVE: starts a snapshot in the background. */
  startSave(foreground = false): void {
    if (this.bgsave !== undefined) {
      throw new CommandError("ERR Background save already in progress");
    }
    const capture = captureKeyspace(this.server.keyspace);
    const changes = this.server.keyspace.changes;
    const abort = new AbortController();
    const startedMs = this.server.now();
    this.lastBgsaveTryMs = startedMs;
    const done = saveSnapshotFile(this.snapshotPath, capture, abort.signal).then(
      () => {
        this.changesAtSave = changes;
        this.lastSaveMs = this.server.now();
        this.lastSaveSec = Math.max(this.lastSaveSec, Math.floor(this.lastSaveMs / 1000));
        this.lastBgsaveOk = true;
        this.saves++;
      },
      (e) => {
        this.lastBgsaveOk = false;
        console.error(`inferdb: saving ${this.snapshotPath} failed:`, errorText(e));
      },
    ).finally(() => {
      this.lastBgsaveSec = Math.round((this.server.now() - startedMs) / 1000);
      this.bgsave = undefined;
    });
    this.bgsave = { done, abort, startedMs, foreground };
  }

  /** BGREWRITEAOF: rewrites the append-only file in the background. */
  startRewrite(): void {
    if (this.rewrite !== undefined) {
      throw new CommandError("ERR Background append only file rewriting already in progress");
    }
    this.runRewrite(this.aof);
  }

  /** Called by `server.shutdown`: saves if asked (or if save points are set). */
  async prepareShutdown(save: boolean | undefined): Promise<void> {
    const points = parseSavePoints(this.server.config.save) ?? [];
    if (!(save ?? points.length > 0)) return;
    await this.stopJob(this.bgsave);
    let release: () => void = () => {};
    const promise = new Promise<void>((resolve) => release = resolve);
    this.hold = { changes: this.server.keyspace.changes, promise, release };
    console.log("inferdb: saving the final snapshot before exiting");
    try {
      await this.save();
      console.log(`inferdb: saved ${this.snapshotPath}`);
    } catch (e) {
      this.hold = undefined;
      release();
      throw e;
    }
  }

  /** Stops timers and jobs and closes the append-only log (flushed and fsynced). */
  async close(): Promise<void> {
    clearInterval(this.timer);
    await this.loadRun?.catch(() => {});
    await Promise.all([this.stopJob(this.bgsave), this.stopJob(this.rewrite)]);
    await this.aof?.close();
    this.aof = undefined;
    // Connections are closed by now: held replies have nowhere to go.
    this.hold?.release();
  }

  private async stopJob(job: Job | undefined): Promise<void> {
    job?.abort.abort();
    await job?.done;
  }

  private newLog(): AppendLog {
    const config = this.server.config;
    this.aof = new AppendLog(this.appendonlyPath, () => config.appendfsync as FsyncPolicy);
    return this.aof;
  }

  /** Turns the log on (writes wait in memory until its first file is written); false on failure. */
  private async startLog(): Promise<boolean> {
    const log = this.newLog();
    if (await this.runRewrite(log)) return true;
    if (this.aof === log) this.aof = undefined;
    await log.close();
    this.server.config.appendonly = false;
    console.error("inferdb: appendonly is off: its first file could not be written");
    return false;
  }

  private runRewrite(log: AppendLog | undefined): Promise<boolean> {
    const abort = new AbortController();
    const startedMs = this.server.now();
    const done = rewriteAppendLog(this.appendonlyPath, this.server.keyspace, log, abort.signal)
      .then(
        () => {
          this.lastRewriteOk = true;
          this.rewrites++;
          this.rewriteFailures = 0;
          return true;
        },
        (e) => {
          this.lastRewriteOk = false;
          this.rewriteFailures++;
          console.error(`inferdb: rewriting ${this.appendonlyPath} failed:`, errorText(e));
          return false;
        },
      ).finally(() => {
        this.lastRewriteSec = Math.round((this.server.now() - startedMs) / 1000);
        this.rewrite = undefined;
      });
    this.rewrite = { done, abort, startedMs, foreground: false };
    return done;
  }

  private tick(): void {
    const nowMs = this.server.now();
    const config = this.server.config;
    if (
      !this.loading && this.rewrite === undefined && config.appendonly !== (this.aof !== undefined)
    ) {
      if (config.appendonly) void this.startLog();
      else void this.stopLog();
    }
    if (this.aof !== undefined && nowMs - this.lastFsyncTickMs >= FSYNC_EVERY_MS) {
      this.lastFsyncTickMs = nowMs;
      this.aof.tick();
    }
    if (this.loading || this.bgsave !== undefined || this.hold !== undefined) return;
    const points = parseSavePoints(config.save) ?? [];
    const changes = this.server.keyspace.changes - this.changesAtSave;
    const retryOk = this.lastBgsaveOk || nowMs - this.lastBgsaveTryMs > BGSAVE_RETRY_MS;
    if (retryOk && savePointDue(points, changes, nowMs - this.lastSaveMs)) this.startSave();
  }

  private async stopLog(): Promise<void> {
    const log = this.aof;
    this.aof = undefined;
    await this.stopJob(this.rewrite);
    await log?.close();
  }
}

function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

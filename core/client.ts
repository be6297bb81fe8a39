/**
 * Per-connection state that command handlers see: identity, selected database, protocol
 * version, authentication, MULTI queue and WATCHed keys. Transport details (sockets, HTTP)
 * stay outside; the transport supplies `close` and `push` callbacks.
 */
import type { Db, Watcher } from "./keyspace.ts";
import type { Reply } from "./reply.ts";

export interface QueuedCommand {
  readonly args: readonly Uint8Array[];
}

export class ClientState implements Watcher {
  name = "";
  libName = "";
  libVer = "";
  dbIndex = 0;
  protocol: 2 | 3 = 2;
  authenticated: boolean;
  /** Commands queued since MULTI; `undefined` when not in a transaction. */
  multi: QueuedCommand[] | undefined;
  /** Set when a queued command failed to parse (EXEC answers EXECABORT). */
  multiFailed = false;
  /** Set when a WATCHed key changed (EXEC answers nil). */
  dirty = false;
  readonly watched = new Map<Db, Set<string>>();
  monitor = false;
  lastCommand = "NULL";
  lastInteractionMs: number;
  readonly createdMs: number;
  /** True while a blocking command (model run) holds the connection. */
  blocked = false;

  constructor(
    readonly id: number,
    readonly addr: string,
    readonly laddr: string,
    nowMs: number,
    authenticated: boolean,
    /** Transport hook: close the connection (after pending replies when mid-batch). */
    private readonly onClose: () => void,
    /** Sends an out-of-band reply (MONITOR lines). */
    readonly push: (reply: Reply) => void,
  ) {
    this.createdMs = nowMs;
    this.lastInteractionMs = nowMs;
    this.authenticated = authenticated;
  }

  /**
   * CLIENT REPLY: "on"; "off" (no replies); "skip-next" (set by CLIENT REPLY SKIP, whose own
   * reply is dropped) and then "skip" (the next command's reply is dropped too).
   */
  replyMode: "on" | "off" | "skip-next" | "skip" = "on";

  /**
   * Whether the reply of the command that just ran goes out, moving CLIENT REPLY SKIP on by
   * one command (Redis's CLIENT_REPLY_SKIP_NEXT and CLIENT_REPLY_SKIP flags).
   */
  replyGoesOut(): boolean {
    const mode = this.replyMode;
    if (mode === "skip-next") this.replyMode = "skip";
    else if (mode === "skip") this.replyMode = "on";
    return mode === "on";
  }

  /** Connected from this machine's loopback address (Redis's `islocalClient`). */
  get local(): boolean {
    const host = this.addr.slice(0, this.addr.lastIndexOf(":"));
    return host === "127.0.0.1" || host === "::1";
  }

  /**
   * Command timing. -1 (the default): every command reads the clock when it starts. A
   * transport that runs a batch of requests back to back (RESP) sets it to 0 before the batch
   * and after any wait; dispatch then keeps here when the previous command ended, so the next
   * one starts timing there and each command costs one clock read.
   */
  clockMs = -1;
  /**
   * Fast commands run since `clockMs` whose duration waits for the next clock reading, as
   * name, arguments, name, arguments... (no object per command). See `settleTimings`.
   */
  readonly untimed: (string | readonly Uint8Array[])[] = [];
  /** Set once the connection is to be closed (QUIT, CLIENT KILL, idle timeout). */
  closing = false;

  /** Closes the connection once the replies already produced are written. */
  close(): void {
    this.closing = true;
    this.onClose();
  }

  markDirty(): void {
    this.dirty = true;
  }

  /** Ends a transaction: drops the queue and its error flag and forgets the watched keys. */
  discardTransaction(): void {
    this.multi = undefined;
    this.multiFailed = false;
    this.unwatchAll();
  }

  unwatchAll(): void {
    for (const [db, keys] of this.watched) for (const key of keys) db.unwatch(key, this);
    this.watched.clear();
    this.dirty = false;
  }
}

// The live link, WebSocket `/v4/events`: progress events of this session's
// commands come in; confirm and cancel go out (their replies are matched by
// confirmation id). Reconnects with a growing pause while the page wants it, at
// once when the device comes back online.

/** The socket closed before the server replied. */
export class SocketClosed extends Error {}

export class EventSocket {
  /** `onEvent(event)` for progress events, `onState("connecting"|"open"|"closed")`. */
  constructor({ onEvent, onState }) {
    this.onEvent = onEvent;
    this.onState = onState;
    this.ws = null;
    this.wanted = null;
    this.retry = 0;
    this.timer = null;
    this.pending = new Map();
    addEventListener("online", () => this.reconnectNow());
  }

  get isOpen() {
    return this.ws?.readyState === WebSocket.OPEN;
  }

  /** Listens to `session`'s events with `token` (replacing any earlier link). */
  connect(token, session) {
    this.wanted = { token, session };
    this.retry = 0;
    this.open();
  }

  /** Stops listening and reconnecting. */
  close() {
    this.wanted = null;
    clearTimeout(this.timer);
    this.ws?.close();
  }

  reconnectNow() {
    if (!this.wanted || this.isOpen) return;
    this.retry = 0;
    this.open();
  }

  open() {
    clearTimeout(this.timer);
    if (this.ws) {
      this.ws.onclose = null;
      this.ws.close();
      this.fail(new SocketClosed("the live link was replaced"));
    }
    const { token, session } = this.wanted;
    const scheme = location.protocol === "https:" ? "wss" : "ws";
    const query = new URLSearchParams({ token, session_id: session });
    const ws = new WebSocket(`${scheme}://${location.host}/v4/events?${query}`);
    this.ws = ws;
    this.onState("connecting");
    ws.onopen = () => {
      this.retry = 0;
      this.onState("open");
    };
    ws.onmessage = (message) => this.receive(message.data);
    ws.onclose = () => {
      if (this.ws !== ws) return;
      this.ws = null;
      this.onState("closed");
      this.fail(new SocketClosed("the live link closed"));
      if (!this.wanted) return;
      const pause = Math.min(30_000, 1000 * 2 ** this.retry++);
      this.timer = setTimeout(() => this.wanted && this.open(), pause);
    };
  }

  receive(text) {
    let message;
    try {
      message = JSON.parse(text);
    } catch {
      return;
    }
    const waiting = message.confirmation_id && this.pending.get(message.confirmation_id);
    if (message.type === "answer" && waiting) {
      this.pending.delete(message.confirmation_id);
      waiting.resolve(message.answer);
    } else if (message.type === "cancelled" && waiting) {
      this.pending.delete(message.confirmation_id);
      waiting.resolve(null);
    } else if (message.type === "error") {
      const error = new Error(message.error?.message ?? "the server refused it");
      error.code = message.error?.code;
      if (waiting) {
        this.pending.delete(message.confirmation_id);
        waiting.reject(error);
      }
    } else if (message.stage) {
      this.onEvent(message);
    }
  }

  fail(error) {
    for (const { reject } of this.pending.values()) reject(error);
    this.pending.clear();
  }

  send(type, confirmationId) {
    if (!this.isOpen) return Promise.reject(new SocketClosed("the live link is down"));
    return new Promise((resolve, reject) => {
      this.pending.set(confirmationId, { resolve, reject });
      this.ws.send(JSON.stringify({ type, confirmation_id: confirmationId }));
    });
  }

  /** Runs the pending command; resolves to its answer. */
  confirm(confirmationId) {
    return this.send("confirm", confirmationId);
  }

  /** Drops the pending command; resolves when the server has. */
  cancel(confirmationId) {
    return this.send("cancel", confirmationId);
  }
}

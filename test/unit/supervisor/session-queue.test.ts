import { expect } from "chai";
import { HttpError } from "../../../src/supervisor/http-error.js";
import { SessionQueue, type Release } from "../../../src/supervisor/session-queue.js";

const never = new AbortController().signal;

async function turn(value: Release | Promise<Release>): Promise<Release> {
  return value;
}

describe("SessionQueue", function () {
  it("grants an idle session at once, without a promise", function () {
    const queue = new SessionQueue();
    const release = queue.acquire("s", 1000, never);
    expect(release).to.be.a("function");
    expect(queue.activeSessions).to.equal(1);
    (release as Release)();
    expect(queue.activeSessions).to.equal(0);
  });

  it("runs the turns of one session one after the other, in arrival order", async function () {
    const queue = new SessionQueue();
    const order: string[] = [];
    const first = await turn(queue.acquire("s", 1000, never));
    const waiting = ["b", "c", "d"].map((label) => turn(queue.acquire("s", 1000, never)).then((release) => {
      order.push(label);
      return release;
    }));
    const other = await turn(queue.acquire("other", 1000, never)); // another session is not held up
    other();
    expect(order).to.deep.equal([]);
    first();
    for (const pending of waiting) (await pending)();
    expect(order).to.deep.equal(["b", "c", "d"]);
    expect(queue.activeSessions).to.equal(0);
  });

  it("answers 409 SESSION_BUSY after the wait bound, and the queue moves on", async function () {
    const queue = new SessionQueue();
    const holder = await turn(queue.acquire("s", 1000, never));
    const error = await turn(queue.acquire("s", 20, never)).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).to.be.instanceOf(HttpError).with.property("status", 409);
    expect((error as HttpError).code).to.equal("SESSION_BUSY");
    holder();
    expect(queue.activeSessions).to.equal(0);
  });

  it("drops a waiter whose client went away", async function () {
    const queue = new SessionQueue();
    const holder = await turn(queue.acquire("s", 1000, never));
    const gone = new AbortController();
    const pending = turn(queue.acquire("s", 1000, gone.signal));
    gone.abort(new Error("left"));
    expect(await pending.then(() => "granted", (e: Error) => e.message)).to.equal("left");
    holder();
    expect(queue.activeSessions).to.equal(0);
  });

  it("ignores a second release of the same turn", async function () {
    const queue = new SessionQueue();
    const first = await turn(queue.acquire("s", 1000, never));
    const second = turn(queue.acquire("s", 1000, never));
    first();
    first();
    const release = await second;
    expect(queue.activeSessions).to.equal(1);
    release();
  });
});

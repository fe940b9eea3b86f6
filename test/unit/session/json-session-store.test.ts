import { expect } from "chai";
import { mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { JsonSessionStore, SessionCorruptError } from "../../../src/session/index.js";

const HOSTILE_IDS = ["../../etc/passwd", "a/b", "..", ".", "nul\u0000byte", "ünïcödé 会话 🚀", "x".repeat(1000), "C:\\windows", ""];

describe("JsonSessionStore", function () {
  let root: string;
  let dir: string;
  let store: JsonSessionStore;

  beforeEach(async function () {
    root = await mkdtemp(path.join(os.tmpdir(), "agentscope-sessions-"));
    dir = path.join(root, "sessions");
    store = new JsonSessionStore(dir);
  });

  afterEach(async function () {
    await store.close();
    await rm(root, { recursive: true, force: true });
  });

  it("round-trips any session id, each in its own file inside save_dir", async function () {
    for (const [i, id] of HOSTILE_IDS.entries()) await store.set(id, { n: i });
    for (const [i, id] of HOSTILE_IDS.entries()) expect(await store.get(id)).to.deep.equal({ n: i });
    const files = await readdir(dir);
    expect(files).to.have.length(HOSTILE_IDS.length);
    expect(await readdir(root)).to.deep.equal(["sessions"]);
    for (const id of HOSTILE_IDS) {
      const file = store.fileOf(id);
      expect(path.dirname(file)).to.equal(dir);
      expect(path.basename(file).length).to.be.at.most(255);
    }
  });

  it("answers undefined for a session never saved, and forgets a deleted one", async function () {
    expect(await store.get("new")).to.equal(undefined);
    await store.set("gone", { a: 1 });
    await store.delete("gone");
    expect(await store.get("gone")).to.equal(undefined);
  });

  it("keeps the previous state when a write fails half way, leaving no temp file behind", async function () {
    await store.set("s", { version: 1 });
    const unserializable = { big: 1n } as unknown as Record<string, unknown>;
    await store.set("s", unserializable).then(
      () => expect.fail("the write should fail"),
      () => {},
    );
    expect(await store.get("s")).to.deep.equal({ version: 1 });
    expect(await readdir(dir)).to.deep.equal([path.basename(store.fileOf("s"))]);
  });

  it("ignores a stray temp file from a crashed write", async function () {
    await store.set("s", { version: 1 });
    await writeFile(`${store.fileOf("s")}.deadbeef.tmp`, '{"session_id":"s","state":{"vers');
    expect(await store.get("s")).to.deep.equal({ version: 1 });
  });

  it("reports a corrupt file as an error naming the session", async function () {
    await store.set("broken", { a: 1 });
    await writeFile(store.fileOf("broken"), "{ not json");
    const error = await store.get("broken").then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).to.be.instanceOf(SessionCorruptError);
    expect((error as Error).message).to.contain('session "broken"');
  });
});

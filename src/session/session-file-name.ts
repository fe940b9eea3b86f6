import { createHash } from "node:crypto";

/** File names stay well under the 255-byte limit of common filesystems. */
const MAX_ENCODED = 200;

/**
 * The file name of a session: a session id is any client string, so it is
 * never joined into a path. Short ids are base64url-encoded (reversible, no
 * `/`, `.` or NUL can survive); long ones are hashed (collision-free in
 * practice), and the file itself records the id.
 */
export function sessionFileName(sessionId: string): string {
  const encoded = Buffer.from(sessionId, "utf8").toString("base64url");
  if (encoded.length <= MAX_ENCODED) return `s_${encoded}.json`;
  return `h_${createHash("sha256").update(sessionId, "utf8").digest("hex")}.json`;
}

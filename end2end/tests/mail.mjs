// Reads what the real SMTP server (aiosmtpd, started by scripts/test.sh) stored in its
// Maildir: the newest message to an address, and a link in it.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";

export const maildir = process.env.E2E_MAILDIR;

/** The first link containing `path` in the newest message to `to` that arrived after `since`. */
export async function linkInEmail(to, path, since = 0) {
  const deadline = Date.now() + 30_000;
  const pattern = new RegExp(`https?://[^\\s"<>]+${path}[A-Za-z0-9_-]+`);
  while (Date.now() < deadline) {
    const messages = [];
    for (const folder of ["new", "cur"]) {
      let names = [];
      try {
        names = readdirSync(join(maildir, folder));
      } catch {
        continue;
      }
      for (const name of names) {
        const file = join(maildir, folder, name);
        const arrived = statSync(file).mtimeMs;
        if (arrived >= since) messages.push({ file, arrived });
      }
    }
    messages.sort((a, b) => b.arrived - a.arrived);
    for (const { file } of messages) {
      const raw = readFileSync(file, "utf8");
      if (!raw.toLowerCase().includes(`to: ${to.toLowerCase()}`)) continue;
      // Undo quoted-printable soft line breaks and escaped equals signs.
      const text = raw.replace(/=\r?\n/g, "").replace(/=3D/g, "=");
      const link = text.match(pattern);
      if (link) return link[0];
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`no email to ${to} with a ${path} link arrived in ${maildir}`);
}

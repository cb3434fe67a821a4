import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/** The clone's root; every tool the bench installs lives under `.tools/` inside it (gitignored). */
export const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
export const TOOLS_DIR = join(REPO_ROOT, ".tools");

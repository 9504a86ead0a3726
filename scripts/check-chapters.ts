/**
 * Compiles every chapter in content/chapters/ (or the folder given as the first argument) with the
 * site's own MDX pipeline (lib/mdx-pipeline.ts) and lists every problem: MDX syntax errors, KaTeX
 * errors, unknown components, duplicate <Eq> ids, <EqRef> to unknown ids, broken /chapters/ links.
 *
 *   npx tsx scripts/check-chapters.ts [dir]
 *
 * Exit code 0 when the book builds, 1 otherwise.
 */
import path from 'node:path';
import { checkBook, chaptersDir, formatProblem } from '../lib/mdx-pipeline';

const dir = process.argv[2] ? path.resolve(process.argv[2]) : chaptersDir();
const { chapters, problems } = await checkBook(dir);
const rel = (p: string) => path.relative(process.cwd(), p) || p;

if (problems.length === 0) {
  console.log(`${chapters.length} chapter(s) in ${rel(dir)} compile cleanly: ${chapters.map((c) => c.number).join(', ') || 'none'}`);
} else {
  console.error(`${problems.length} problem(s) in ${rel(dir)}:`);
  for (const p of problems) console.error(`  ${formatProblem({ ...p, file: rel(p.file) })}`);
  process.exitCode = 1;
}

// `randwire report DIR`: the results of a sweep grouped by everything but the seed, with mean ±
// std (n, min, max) of test accuracy, params and multiply-adds; writes DIR/report.md and the
// plots in DIR/plots/ (accuracy per group, against each numeric swept field, against cost).
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { type Command, UserError } from '../cli';
import { loadStudies } from '../lazy-packages';
import { SWEEP_FILES } from '../studies/sweep-runner';
import { table, writeFileAtomic } from './spec-io';

const NAME = 'report';

export const reportCommand: Command = {
  name: NAME,
  summary: 'Summarise a sweep: mean ± std per group (all but the seed), report.md and SVG plots',
  usage: 'DIR [--json]',
  details: `Reads DIR/results.jsonl (written by randwire sweep); a group is every θ field, training
option, data and engine but the seed. Writes DIR/report.md and DIR/plots/*.svg: accuracy per
group (one dot per network, mean ± 1 std, as the paper's Figure 3), accuracy against each
numeric field that varies (P, K, M, N, C, a training option: a line per series with a ± 1 std
band) and accuracy against multiply-adds.

Examples:
  randwire report sweeps/gen
  randwire report sweeps/gen --json | jq '.groups[] | {label, testAcc}'`,
  options: {
    json: { type: 'boolean', description: 'the report as JSON on stdout' },
  },
  positionals: [1, 1],
  run(values, positionals, ctx) {
    const dir = positionals[0]!;
    const { buildReport, readResults, reportMarkdown, reportTable, sweepPlots } = loadStudies();
    const path = join(dir, SWEEP_FILES.results);
    const { results, skipped } = readResults(path);
    if (results.length === 0) {
      throw new UserError(
        `randwire ${NAME}: ${path}: no finished points (run randwire sweep ... -o ${dir} first)`,
      );
    }
    for (const s of skipped) ctx.err(`note: ${path}: line ${s.line} left out (${s.why})`);
    const report = buildReport(results);
    const plots = sweepPlots(report);
    const plotDir = join(dir, 'plots');
    mkdirSync(plotDir, { recursive: true });
    for (const p of plots) writeFileAtomic(NAME, join(plotDir, p.file), p.svg);
    const md = join(dir, 'report.md');
    writeFileAtomic(
      NAME,
      md,
      reportMarkdown(report, {
        title: `Sweep report: ${dir}`,
        plots: plots.map((p) => ({ file: `plots/${p.file}`, caption: p.caption })),
      }),
    );
    if (values['json'] === true) {
      ctx.out(
        JSON.stringify(
          { dir, report: md, plots: plots.map((p) => join(plotDir, p.file)), ...report },
          null,
          2,
        ),
      );
      return 0;
    }
    const { header, rows } = reportTable(report);
    ctx.out(table(header, rows));
    ctx.out(
      `\n${report.results} point(s) in ${report.groups.length} group(s)${report.varying.length ? `; varying: ${report.varying.join(', ')}` : ''}`,
    );
    ctx.out(`wrote ${md} and ${plots.length} plot(s) in ${plotDir}`);
    return 0;
  },
};

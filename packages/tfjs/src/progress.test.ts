import { formatDuration, ProgressReporter } from './progress';

describe('formatDuration', () => {
  it('formats m:ss and h:mm:ss, ? when unknown', () => {
    expect(formatDuration(65)).toBe('1:05');
    expect(formatDuration(3725)).toBe('1:02:05');
    expect(formatDuration(Number.NaN)).toBe('?');
  });
});

describe('ProgressReporter', () => {
  it('prints periodic lines with rate, loss and ETA, throttled by the interval', () => {
    let t = 0;
    const out: string[] = [];
    const p = new ProgressReporter('epoch 1/2', 1000, {
      write: (s) => out.push(s),
      intervalMs: 1000,
      now: () => t,
    });
    t = 2000;
    p.update({ done: 200, loss: 1.5 });
    t = 2500;
    p.update({ done: 250, loss: 1.4 }); // within the interval: nothing
    t = 4000;
    p.update({ done: 400, loss: 1.25, acc: 0.5 });
    expect(out).toHaveLength(2);
    expect(out[0]).toMatch(
      /epoch 1\/2 {2}200\/1000 img \(20%\) {2}100\.0 img\/s {2}loss 1\.5000 {2}ETA 0:08\n/,
    );
    expect(out[1]).toMatch(/acc 50\.0%/);
    p.finish();
    expect(out).toHaveLength(2);
  });

  it('draws a bar in place on a terminal and ends it with a newline', () => {
    let t = 0;
    const out: string[] = [];
    const p = new ProgressReporter('e1', 10, {
      write: (s) => out.push(s),
      tty: true,
      barWidth: 10,
      now: () => t,
    });
    t = 1000;
    p.update({ done: 5 });
    t = 1100;
    p.update({ done: 10 }); // the last update is always shown
    p.finish();
    expect(out[0]).toMatch(/^\re1 {2}\[#####-----\]/);
    expect(out[1]).toMatch(/\[##########\]/);
    expect(out[2]).toBe('\n');
  });
});

describe('ProgressReporter units', () => {
  it('counts other units than images', () => {
    let t = 0;
    const out: string[] = [];
    const p = new ProgressReporter('damage s1', 40, {
      write: (s) => out.push(s),
      unit: 'cases',
      now: () => t,
    });
    t = 4000;
    p.update({ done: 10 });
    expect(out[0]).toMatch(/^damage s1 {2}10\/40 cases \(25%\) {2}2\.5 cases\/s {2}ETA 0:12\n$/);
  });
});

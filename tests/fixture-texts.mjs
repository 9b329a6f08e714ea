// Every fixture body of tests/fixtures/ (the documents' examples, verbatim and
// corrected), as `{ name, text }` in a stable order, for tests that replay them.
import { readFileSync, readdirSync } from 'node:fs';

const fixturesDir = new URL('./fixtures/', import.meta.url);
/** The text of one fixture, by its path below tests/fixtures/. */
export const readFixture = (p) => readFileSync(new URL(p, fixturesDir), 'utf8');

export const fixtureTexts = () =>
  ['graph', 'line', 'messenger'].flatMap((ch) =>
    readdirSync(new URL(`${ch}/`, fixturesDir))
      .filter((n) => /\.(json|txt)$/.test(n))
      .sort()
      .map((n) => ({ name: `${ch}/${n}`, text: readFixture(`${ch}/${n}`) })),
  );

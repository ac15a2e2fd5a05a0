import type { Parser } from 'node-sql-parser';

/** The node-sql-parser grammars the tool uses (verify queries, plan fields and `lint`), as the library names them. */
export type MysqlGrammar = 'MySQL' | 'MariaDB';

const parsers = new Map<MysqlGrammar, Promise<Parser>>();

/**
 * The parser of one grammar, loaded on first use from node-sql-parser's single-dialect build: the
 * package's main entry holds every dialect's grammar (about 0.2 s to load), a build holds one.
 */
export function mysqlGrammar(grammar: MysqlGrammar): Promise<Parser> {
  let parser = parsers.get(grammar);
  if (!parser) {
    parser = (
      grammar === 'MySQL' ? import('node-sql-parser/build/mysql.js') : import('node-sql-parser/build/mariadb.js')
    ).then((module) => {
      const { Parser: ParserClass } = (module as { default: { Parser: new () => Parser } }).default;
      return new ParserClass();
    });
    parsers.set(grammar, parser);
  }
  return parser;
}

/** The parsers of several grammars, in the order given. */
export function mysqlGrammars(grammars: readonly MysqlGrammar[]): Promise<Array<[MysqlGrammar, Parser]>> {
  return Promise.all(grammars.map(async (grammar) => [grammar, await mysqlGrammar(grammar)] as [MysqlGrammar, Parser]));
}

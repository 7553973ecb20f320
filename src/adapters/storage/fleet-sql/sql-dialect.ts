// What the fleet queries both backends share (device-page-query.ts, fleet-summary-query.ts) need to know
// of each SQL dialect, and the statements they hand to a backend to run.

/** A statement parameter; a list of ids is passed as one parameter, as the dialect spells it. */
export type SqlParam = string | number | null | readonly string[];

export interface SqlDialect {
  /** The placeholder of the `position`th parameter (1-based). */
  placeholder(position: number): string;
  /**
   * `text` with ASCII letters lowered and compared bytewise, the same on both backends (SQLite's lower()
   * folds ASCII only; PostgreSQL's follows the collation unless told "C").
   */
  foldCase(text: string): string;
  /** A condition true when `needle` occurs in `haystack`. */
  contains(haystack: string, needle: string): string;
  /** A condition true when `column` is one of the ids in the list parameter at `listPlaceholder`. */
  isOneOf(column: string, listPlaceholder: string): string;
  /** A list of ids as the one parameter isOneOf reads. */
  listParam(ids: readonly string[]): SqlParam;
  /** `column` as an expression no index orders by: the planner scans and sorts (device-page-query.ts says when). */
  unindexed(column: string): string;
  /**
   * True where the planner keeps statistics of the columns (PostgreSQL): a read that could be told from the
   * count how to order then runs beside the count, and the planner chooses. SQLite keeps none here.
   */
  readonly hasPlannerStatistics: boolean;
}

export interface SqlStatement {
  readonly text: string;
  readonly values: readonly SqlParam[];
}

/** Runs read-only statements; each backend its own way. */
export interface SqlReader {
  all<R extends object>(statement: SqlStatement): Promise<R[]>;
}

/** Collects a statement's parameters in order and answers each one's placeholder. */
export class SqlParams {
  readonly values: SqlParam[] = [];

  constructor(private readonly dialect: SqlDialect) {}

  add(value: SqlParam): string {
    this.values.push(value);
    return this.dialect.placeholder(this.values.length);
  }

  statement(text: string): SqlStatement {
    return { text, values: this.values };
  }
}

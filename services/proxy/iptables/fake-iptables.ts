import type { CommandResult, IptablesRunner, TableName } from './iptables.js';

const BUILTIN: Record<TableName, string[]> = {
  filter: ['INPUT', 'FORWARD', 'OUTPUT'],
  nat: ['PREROUTING', 'INPUT', 'OUTPUT', 'POSTROUTING'],
};

/**
 * An in-memory iptables for unit tests: chains as ordered lists of rule texts, the commands the
 * proxy uses (-C -I -A -D -N -S -X), and a log of every call in order. restore() only records
 * its input and the chains it declares.
 */
export class FakeIptables implements IptablesRunner {
  readonly calls: string[] = [];
  readonly tables: Record<TableName, Map<string, string[]>> = {
    filter: new Map(BUILTIN.filter.map((c) => [c, []])),
    nat: new Map(BUILTIN.nat.map((c) => [c, []])),
  };
  readonly restores: string[] = [];

  async iptables(args: readonly string[]): Promise<CommandResult> {
    this.calls.push(`iptables ${args.join(' ')}`);
    const [tFlag, table, op, chain, ...rest] = args as string[];
    if (tFlag !== '-t' || (table !== 'filter' && table !== 'nat') || !op || !chain) return { code: 2, stdout: '', stderr: 'bad call' };
    const chains = this.tables[table];
    const rules = chains.get(chain);
    const fail = { code: 1, stdout: '', stderr: 'no chain/rule' };
    const ok = (stdout = ''): CommandResult => ({ code: 0, stdout, stderr: '' });
    switch (op) {
      case '-N':
        if (rules) return fail;
        chains.set(chain, []);
        return ok();
      case '-X':
        if (!rules || rules.length > 0 || this.referenced(table, chain)) return fail;
        chains.delete(chain);
        return ok();
      case '-S':
        return rules ? ok(rules.map((r) => `-A ${chain} ${r}`).join('\n')) : fail;
      case '-C':
        return rules?.includes(rest.join(' ')) ? ok() : fail;
      case '-A':
        if (!rules) return fail;
        rules.push(rest.join(' '));
        return ok();
      case '-I':
        if (!rules) return fail;
        rules.splice(Number(rest[0]) - 1, 0, rest.slice(1).join(' '));
        return ok();
      case '-D': {
        const i = rules?.indexOf(rest.join(' ')) ?? -1;
        if (i < 0) return fail;
        rules!.splice(i, 1);
        return ok();
      }
      default:
        return { code: 2, stdout: '', stderr: `unsupported ${op}` };
    }
  }

  async save(table: TableName): Promise<string> {
    this.calls.push(`iptables-save -t ${table}`);
    return [`*${table}`, ...[...this.tables[table].keys()].map((c) => `:${c} - [0:0]`), 'COMMIT'].join('\n');
  }

  async restore(input: string): Promise<void> {
    this.calls.push('iptables-restore');
    this.restores.push(input);
    let table: TableName | undefined;
    for (const line of input.split('\n')) {
      if (line === '*filter' || line === '*nat') table = line.slice(1) as TableName;
      const declared = /^:(\S+) /.exec(line);
      if (table && declared) this.tables[table].set(declared[1]!, []);
      const deleted = /^-X (\S+)$/.exec(line);
      if (table && deleted) this.tables[table].delete(deleted[1]!);
    }
  }

  rules(table: TableName, chain: string): string[] {
    return this.tables[table].get(chain) ?? [];
  }

  private referenced(table: TableName, chain: string): boolean {
    return [...this.tables[table].values()].some((rules) => rules.some((r) => r.endsWith(`-j ${chain}`)));
  }
}

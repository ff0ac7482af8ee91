// CPU time (user + system, seconds) of this Node process and of the whole PostgreSQL cluster
// (postmaster, backends, WAL writer, checkpointer, autovacuum, including children that have
// exited), from /proc. On a shared machine, CPU per entry is steadier than wall-clock rates.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Sql } from 'postgres';

const TICKS = 100; // USER_HZ on Linux

function stat(pid: number): string[] | null {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return text.slice(text.lastIndexOf(')') + 2).split(' '); // fields from 3 (state) on
  } catch {
    return null;
  }
}

export interface CpuClock {
  /** Seconds of CPU used so far: [this process, the PostgreSQL cluster]. */
  read(): [number, number];
}

export async function cpuClock(sql: Sql): Promise<CpuClock> {
  const [{ data_directory }] = await sql`SELECT current_setting('data_directory') AS data_directory`;
  const postmaster = Number(readFileSync(join(data_directory, 'postmaster.pid'), 'utf8').split('\n')[0]);
  return {
    read() {
      let ticks = 0;
      const pm = stat(postmaster);
      // utime, stime, cutime, cstime are fields 14..17 (index 11..14 counting from field 3)
      if (pm) ticks += Number(pm[11]) + Number(pm[12]) + Number(pm[13]) + Number(pm[14]);
      for (const name of readdirSync('/proc')) {
        if (!/^\d+$/.test(name)) continue;
        const s = stat(Number(name));
        if (s && Number(s[1]) === postmaster) ticks += Number(s[11]) + Number(s[12]);
      }
      const own = process.cpuUsage();
      return [(own.user + own.system) / 1e6, ticks / TICKS];
    },
  };
}

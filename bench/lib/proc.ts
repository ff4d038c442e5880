/** What /proc tells about a process: its CPU time. */
import fs from 'node:fs';

/** Clock ticks per second of /proc/<pid>/stat (sysconf(_SC_CLK_TCK), 100 on Linux). */
const CLK_TCK = 100;

/** CPU time (utime + stime) a process has used so far, in ms, from /proc/<pid>/stat. */
export function cpuMsOf(pid: number): number {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  // the fields after the command name, which is in parentheses and may hold spaces
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  return ((utime + stime) * 1000) / CLK_TCK;
}

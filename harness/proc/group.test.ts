/** Process-group membership from /proc and kill(2): a new group is seen at once, a gone one is gone without a scan. */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { expect, test } from 'vitest';
import { groupExists, groupMembers, groupMembersRecent } from './group.ts';

test.skipIf(process.platform !== 'linux')('a group started after the last snapshot is read at once; a reaped group does not exist', async () => {
  groupMembersRecent(process.pid, 60_000); // a fresh snapshot, taken before the child's group exists
  const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { detached: true, stdio: 'ignore' });
  try {
    const pgid = child.pid!;
    expect(groupExists(pgid)).toBe(true);
    expect(groupMembersRecent(pgid, 60_000)).toEqual([String(pgid)]);
    expect(groupMembers(pgid)).toEqual([String(pgid)]);
  } finally {
    child.kill('SIGKILL');
    await once(child, 'exit');
  }
  expect(groupExists(child.pid!)).toBe(false);
  expect(groupMembers(child.pid!)).toEqual([]);
});

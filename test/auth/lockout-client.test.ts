import { describe, expect, it } from 'vitest';
import { lockoutClient } from '../../src/auth/lockout-client.js';

describe('lockoutClient: what a signature failure is counted against', () => {
  it.each([
    ['192.0.2.7', '192.0.2.7'],
    ['192.0.2.7:51234', '192.0.2.7'],
    ['::ffff:192.0.2.7', '192.0.2.7'],
    ['::FFFF:c000:0207', '192.0.2.7'],
    ['2001:db8:1:2::1', '2001:db8:1:2::/64'],
    ['2001:0DB8:0001:0002:ffff:ffff:ffff:ffff', '2001:db8:1:2::/64'],
    ['[2001:db8:1:2::1]:443', '2001:db8:1:2::/64'],
    ['2001:db8::1', '2001:db8:0:0::/64'],
    ['::1', '0:0:0:0::/64'],
    ['fe80::1%eth0', 'fe80:0:0:0::/64'],
    ['64:ff9b::192.0.2.7', '64:ff9b:0:0::/64'],
  ])('%s counts as %s', (address, client) => {
    expect(lockoutClient(address)).toBe(client);
  });

  it('gives one client for every address of a /64, and another for the next /64', () => {
    expect(lockoutClient('2001:db8:1:2:aaaa::1')).toBe(lockoutClient('2001:db8:1:2:bbbb::9'));
    expect(lockoutClient('2001:db8:1:3::1')).not.toBe(lockoutClient('2001:db8:1:2::1'));
  });

  it.each(['', 'garbage', '1.2.3', '2001:db8::1::2', '[::1', undefined])(
    'refuses %s, which is no IP address',
    (address) => {
      expect(lockoutClient(address)).toBeUndefined();
    },
  );
});

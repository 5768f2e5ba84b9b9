import { isIP } from 'node:net';

/**
 * A host written as numbers and dots that is not four numbers 0–255: a mistyped IPv4 address.
 * It is never what was meant: `192.168.10.300` fails name resolution only when the gateway
 * connects, and `192.168.10` is taken by getaddrinfo as 192.168.0.10, another controller.
 * The site schema and `elevgw init` refuse it with the same rule.
 */
export function malformedIpv4(host: string): boolean {
  return /^[\d.]+$/.test(host) && isIP(host) !== 4;
}

export const MALFORMED_IPV4 = 'an IPv4 address is four numbers 0–255 separated by dots';

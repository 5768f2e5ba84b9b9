import type { WearScenario } from './scenario.js';

export const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;

/** One group asking to ride: when they call, from where, to where, how many. */
export interface Request {
  atMs: number;
  from: number;
  to: number;
  pax: number;
}

type Profile = WearScenario['traffic']['profile'];

/** Relative calls per hour of the day (0–23): weekday, weekend, and the weekend's share of a weekday's calls. */
const PROFILES: Record<Profile, { weekday: number[]; weekend: number[]; weekendShare: number }> = {
  residential: {
    weekday: [0.4, 0.2, 0.1, 0.1, 0.2, 0.6, 2, 4, 3.5, 1.5, 1.2, 1.3, 1.8, 1.5, 1.2, 1.2, 1.6, 3, 3.6, 3.2, 2.6, 2, 1.3, 0.7],
    weekend: [0.6, 0.3, 0.2, 0.1, 0.1, 0.3, 0.6, 1.2, 2, 2.6, 2.8, 2.6, 2.4, 2.2, 2.2, 2.4, 2.6, 2.8, 3, 2.8, 2.4, 2, 1.4, 0.9],
    weekendShare: 0.9,
  },
  office: {
    weekday: [0.05, 0.02, 0.02, 0.02, 0.05, 0.2, 0.8, 3.5, 6, 3, 2, 2.5, 4.5, 4, 2, 2, 2.5, 5, 4, 1.5, 0.8, 0.4, 0.2, 0.1],
    weekend: [0.02, 0.02, 0.02, 0.02, 0.02, 0.02, 0.2, 0.5, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0.8, 0.5, 0.2, 0.1, 0.05, 0.02, 0.02],
    weekendShare: 0.15,
  },
  light: {
    weekday: [0.2, 0.1, 0.1, 0.1, 0.2, 0.5, 1, 1.5, 1.5, 1.5, 1.5, 1.5, 1.5, 1.5, 1.5, 1.5, 1.5, 1.5, 1.5, 1.2, 1, 0.8, 0.5, 0.3],
    weekend: [0.2, 0.1, 0.1, 0.1, 0.2, 0.5, 1, 1.5, 1.5, 1.5, 1.5, 1.5, 1.5, 1.5, 1.5, 1.5, 1.5, 1.5, 1.5, 1.2, 1, 0.8, 0.5, 0.3],
    weekendShare: 1,
  },
};

/** Share of calls at the lobby going up, by hour: residential mornings go down, offices' mornings up. */
function upFromLobby(profile: Profile, hour: number): number {
  if (profile === 'residential') return hour >= 6 && hour < 9 ? 0.15 : hour >= 16 && hour < 21 ? 0.65 : 0.45;
  if (profile === 'office') return hour >= 7 && hour < 10 ? 0.85 : hour >= 11 && hour < 14 ? 0.5 : hour >= 16 && hour < 19 ? 0.15 : 0.4;
  return 0.4;
}

/** Group sizes 1–5, cumulative: mostly one person, sometimes a family. */
const GROUP = [0.62, 0.87, 0.95, 0.98, 1];

/**
 * Landing calls as a Poisson process whose rate follows the hour and the weekday (drawn by
 * thinning), with the building's flows: to and from the lobby (landing 0) mostly.
 */
export class Arrivals {
  private t = 0;
  private readonly profile: (typeof PROFILES)[Profile];
  private readonly maxPerMs: number;

  constructor(
    private readonly traffic: WearScenario['traffic'],
    private readonly floors: number,
    private readonly random: () => number,
  ) {
    this.profile = PROFILES[traffic.profile];
    this.maxPerMs = Math.max(this.rate(0, false), this.rate(0, true), ...this.profile.weekday.map((_, h) => Math.max(this.rate(h, false), this.rate(h, true))));
  }

  next(): Request {
    for (;;) {
      this.t += Math.ceil(-Math.log(1 - this.random()) / this.maxPerMs);
      const day = Math.floor(this.t / DAY_MS);
      const hour = Math.floor((this.t % DAY_MS) / HOUR_MS);
      const weekend = (this.traffic.startWeekday + day) % 7 >= 5;
      if (this.random() * this.maxPerMs > this.rate(hour, weekend)) continue;
      return { atMs: this.t, ...this.route(hour), pax: this.group() };
    }
  }

  /** Calls per ms in this hour. */
  private rate(hour: number, weekend: boolean): number {
    const w = weekend ? this.profile.weekend : this.profile.weekday;
    const sum = w.reduce((a, b) => a + b, 0);
    const perDay = this.traffic.requestsPerDay * (weekend ? this.profile.weekendShare : 1);
    return (perDay * (w[hour]! / sum)) / HOUR_MS;
  }

  private route(hour: number): { from: number; to: number } {
    const upper = () => 1 + Math.floor(this.random() * (this.floors - 1));
    if (this.random() < upFromLobby(this.traffic.profile, hour)) return { from: 0, to: upper() };
    const from = upper();
    if (this.random() < 0.8 || this.floors < 3) return { from, to: 0 };
    let to = upper();
    while (to === from) to = upper();
    return { from, to };
  }

  private group(): number {
    const r = this.random();
    return GROUP.findIndex((c) => r < c) + 1;
  }
}

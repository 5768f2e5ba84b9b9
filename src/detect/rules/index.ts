import type { Rule } from '../types.js';
import { AlarmPressedRule } from './alarm-pressed.js';
import type { RuleContext } from './context.js';
import { DoorCloseFaultRule } from './door-close-fault.js';
import { DoorLockFaultRule } from './door-lock-fault.js';
import { DoorOpenFaultRule } from './door-open-fault.js';
import { DoorOpenTooLongRule } from './door-open-too-long.js';
import { DoorOpenWhileMovingRule } from './door-open-while-moving.js';
import { DoorReopenRepeatedRule } from './door-reopen-repeated.js';
import { FloorPositionLostRule } from './floor-position-lost.js';
import { LevelingErrorRule } from './leveling-error.js';
import { MaintenanceSessionRule } from './maintenance-session.js';
import { MovingWithDoorOpenRule } from './moving-with-door-open.js';
import { OverspeedRule } from './overspeed.js';
import { OvertravelRule } from './overtravel.js';
import { PowerLossRule } from './power-loss.js';
import { RunTimeExceededRule } from './run-time-exceeded.js';
import { SafetyCircuitOpenRule } from './safety-circuit-open.js';
import { SensorLostRule } from './sensor-lost.js';
import { ServiceModeRule } from './service-mode.js';
import { StoppedOutsideZoneRule } from './stopped-outside-zone.js';
import { TrappedRule } from './trapped.js';

export type { RuleContext } from './context.js';

/**
 * The rules elevgw runs for one elevator, one fresh instance each (rules hold episode state):
 * the whole catalogue of docs/domain.md.
 */
export function buildRules(ctx: RuleContext): Rule[] {
  return [
    new TrappedRule(ctx),
    new DoorOpenWhileMovingRule(ctx),
    new MovingWithDoorOpenRule(ctx),
    new OverspeedRule(ctx),
    new OvertravelRule(ctx, 'top'),
    new OvertravelRule(ctx, 'bottom'),
    new StoppedOutsideZoneRule(ctx),
    new LevelingErrorRule(ctx),
    new DoorOpenTooLongRule(ctx),
    new DoorReopenRepeatedRule(ctx),
    new SafetyCircuitOpenRule(ctx),
    new DoorLockFaultRule(ctx),
    new DoorCloseFaultRule(ctx),
    new DoorOpenFaultRule(ctx),
    new RunTimeExceededRule(ctx),
    new FloorPositionLostRule(ctx),
    new PowerLossRule(ctx),
    new SensorLostRule(ctx),
    new AlarmPressedRule(ctx),
    new MaintenanceSessionRule(ctx),
    new ServiceModeRule(ctx),
  ];
}

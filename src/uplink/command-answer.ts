import { parseCommand, type CommandName, type CommandRequest, type CommandResponse } from '../contract/commands.js';
import { CONTRACT_VERSION } from '../contract/version.js';
import { errorMessage, isElevgwError } from '../core/errors.js';

/** The answer to one command request: an error response for a hostile or broken request, never a throw. */
export function answerCommand(name: string, payload: Buffer, execute: (name: CommandName, request: CommandRequest) => unknown): CommandResponse {
  const parsed = parseCommand(name, payload);
  if (!parsed.ok) return parsed.response;
  const head = { v: CONTRACT_VERSION as typeof CONTRACT_VERSION, command: name, requestId: parsed.request.requestId };
  try {
    return { ...head, ok: true, result: execute(parsed.name, parsed.request) };
  } catch (e) {
    // The executor says when the request itself was wrong (an unknown elevator); anything else is a failure to serve it.
    const code = isElevgwError(e, 'COMMAND_INVALID') ? 'COMMAND_INVALID' : 'COMMAND_FAILED';
    return { ...head, ok: false, error: { code, message: errorMessage(e) } };
  }
}

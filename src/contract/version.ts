/**
 * The contract's version. `CONTRACT_VERSION` is every payload's `v` and the topics' `v1`
 * segment: it changes only for a breaking change. `CONTRACT_MINOR` is every payload's `minor`:
 * a minor version only adds optional fields and messages, so a consumer of 1.0 parses 1.1 as it
 * is (docs/contract.md, "Versions").
 */
export const CONTRACT_VERSION = 1;
export const CONTRACT_MINOR = 1;
/** `1.1`: in the JSON Schemas' `$id` and the AsyncAPI document's version. */
export const CONTRACT_RELEASE = `${CONTRACT_VERSION}.${CONTRACT_MINOR}`;

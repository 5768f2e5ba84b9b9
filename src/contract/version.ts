/** The contract's version: every payload's `v`, and the topics' `v1` segment (docs/contract.md). */
export const CONTRACT_VERSION = 1;

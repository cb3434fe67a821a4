// Placeholder until the core handler lands (issue 2): the CDK app bundles this entry point.
export const handler = async (): Promise<void> => {};

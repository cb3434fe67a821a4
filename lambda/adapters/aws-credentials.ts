import { fromTemporaryCredentials } from "@aws-sdk/credential-providers";

/**
 * Credentials of the role in `IAM_ROLE_ARN` (for a bus in another account), assumed with the
 * function's own credentials and `IAM_EXTERNAL_ID` passed to STS; undefined to use the function's role.
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_create_for-user_externalid.html
 */
export function awsCredentials(settings: {
  readonly iamRoleArn: string | undefined;
  readonly iamExternalId: string | undefined;
  readonly eventBusRegion: string;
  readonly connectorId: string;
}): ReturnType<typeof fromTemporaryCredentials> | undefined {
  if (settings.iamRoleArn === undefined) return undefined;
  return fromTemporaryCredentials({
    params: {
      RoleArn: settings.iamRoleArn,
      // The connector uses its id as the session name; keep that, within STS's allowed characters.
      RoleSessionName: settings.connectorId
        .replace(/[^\w+=,.@-]/g, "-")
        .padEnd(2, "-")
        .slice(0, 64),
      ...(settings.iamExternalId === undefined ? {} : { ExternalId: settings.iamExternalId }),
    },
    clientConfig: { region: settings.eventBusRegion },
  });
}

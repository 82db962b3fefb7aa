#!/bin/sh
# Init hook for stacks/local/docker-compose.yml: provisions LocalStack from the
# topology with the repository's own bootstrap (stacks/local/bootstrap.ts).
#
# The repository is mounted read-only. The modules on this path are pure JS (AWS
# SDK clients, zod, dynamodb-toolbox), so the host's node_modules work whatever
# OS installed them. tsx is not: its esbuild binary is per platform, so it comes
# from npx's cache inside the container (at the lockfile's version), run from
# outside the repository so npx does not pick the host's copy.
set -eu
if [ ! -d /repo/node_modules/@aws-sdk/client-sqs ]; then
  echo "bootstrap: run npm ci on the host first (the repository has no node_modules)" >&2
  exit 1
fi
TSX_VERSION=$(node -p "require('/repo/node_modules/tsx/package.json').version")
cd /tmp
exec npx --yes "tsx@${TSX_VERSION}" /repo/stacks/local/bootstrap.ts

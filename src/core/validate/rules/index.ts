import type { ConnectorRule, RepoRule, Rule } from '../rule.js';
import { avroRules } from './avro.js';
import { catalogRules } from './catalog.js';
import { converterPairRules } from './converter-pairs.js';
import { converterRules } from './converters.js';
import { deprecatedRules } from './deprecated.js';
import { dlqRules } from './dlq.js';
import { exactlyOnceRules } from './exactly-once.js';
import { managedAuthRules } from './managed-auth.js';
import { ownershipRepoRules, ownershipRules } from './ownership.js';
import { projectRules } from './project.js';
import { requiredRules } from './required.js';
import { secretRules } from './secrets.js';
import { secretWhereRules } from './secret-where.js';
import { placeholderIdentityConnectorRules, placeholderIdentityRules } from './placeholder-identity.js';
import { shapeRules } from './shape.js';
import { sharedKeyRules } from './shared-key.js';
import { syntaxRules } from './syntax.js';
import { terraformRules } from './terraform.js';

/** Every offline rule, in the order their findings are easiest to read. */
export const connectorRules: ConnectorRule[] = [
  ...syntaxRules,
  ...shapeRules,
  ...requiredRules,
  ...catalogRules,
  ...deprecatedRules,
  ...secretRules,
  ...secretWhereRules,
  ...placeholderIdentityConnectorRules,
  ...managedAuthRules,
  ...dlqRules,
  ...exactlyOnceRules,
  ...converterRules,
  ...ownershipRules,
];
export const repoRules: RepoRule[] = [
  ...projectRules,
  ...placeholderIdentityRules,
  ...sharedKeyRules,
  ...ownershipRepoRules,
  ...avroRules,
  ...converterPairRules,
  ...terraformRules,
];
export const offlineRules: Rule[] = [...connectorRules, ...repoRules];

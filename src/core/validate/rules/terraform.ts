import { TF_RULES, type TfRuleId } from '../../terraform/check.js';
import type { RepoRule, RuleExample } from '../rule.js';
import { repoRule } from '../rule.js';
import { exampleProject } from './examples.js';

/**
 * The Terraform rules (issue #12). Their checks live in core/terraform/check.ts, which runs once per validation
 * (the HCL parser is async and loaded lazily); each rule here hands on the findings of its own id, so that the rule
 * list, SARIF rule metadata, the docs and the example tests treat them like every other repository rule.
 */
const tf = (content: string, files: Record<string, string> = {}): RuleExample => ({
  path: 'terraform/main.tf',
  content,
  project: exampleProject,
  files,
});

const topicModule = {
  'terraform/modules/topic/main.tf': `variable "name" {
  type        = string
  description = "Topic name"
}

resource "aws_sns_topic" "this" {
  name = var.name
}

output "arn" {
  value = aws_sns_topic.this.arn
}
`,
};

const ecs = (subnets: string): string => `resource "aws_ecs_service" "connect" {
  name = "connect"

  network_configuration {
    subnets = ${subnets}
  }
}
`;

const ingress = (cidr: string): string => `resource "aws_vpc_security_group_ingress_rule" "rest" {
  security_group_id = "sg-0123456789abcdef0"
  ip_protocol       = "tcp"
  from_port         = 8083
  to_port           = 8083
  cidr_ipv4         = "${cidr}"
}
`;

/** A managed environment described on both sides: kcops.yaml + connectors/prod/ and terraform/environments/prod/. */
const managedProject = `project: shop
teams:
  payments: { prefixes: [payments-], serviceAccounts: [sa-payments] }
environments:
  prod:
    cluster:
      type: confluent-cloud
      environmentId: env-prod01
      kafkaClusterId: lkc-prod01
      apiEndpoint: https://api.confluent.cloud
`;

const managedSink = (account: string): string =>
  JSON.stringify(
    {
      name: 'payments-orders-s3-sink',
      config: {
        'connector.class': 'S3_SINK',
        'kafka.auth.mode': 'SERVICE_ACCOUNT',
        'kafka.service.account.id': account,
        topics: 'payments.orders',
        'errors.deadletterqueue.topic.name': 'payments.dlq.orders-s3-sink',
        's3.bucket.name': 'payments-orders-archive',
        'input.data.format': 'AVRO',
        'output.data.format': 'JSON',
        'time.interval': 'HOURLY',
        'tasks.max': '1',
      },
    },
    null,
    2,
  ) + '\n';

const managedModules = {
  'terraform/modules/connectors/main.tf': `variable "connectors_dir" {
  type        = string
  description = "Folder of the environment's connector files"
}

variable "environment_id" {
  type        = string
  description = "Confluent Cloud environment id"
}

variable "kafka_cluster_id" {
  type        = string
  description = "Kafka cluster id"
}

locals {
  connectors = { for f in fileset(var.connectors_dir, "*.json") : trimsuffix(f, ".json") => jsondecode(file("\${var.connectors_dir}/\${f}")) }
}

resource "confluent_connector" "this" {
  for_each = local.connectors
  environment {
    id = var.environment_id
  }
  kafka_cluster {
    id = var.kafka_cluster_id
  }
  config_nonsensitive = each.value.config
}
`,
  'terraform/modules/team/main.tf': `variable "team" {
  type        = string
  description = "Team name"
}

resource "confluent_service_account" "team" {
  display_name = "sa-\${var.team}"
  description  = "Connectors of team \${var.team}"
}
`,
};

const managedRoot = (dir: string, envVar = 'var.environment_id'): string => `variable "environment_id" {
  type        = string
  description = "Confluent Cloud environment id"
}

module "team_payments" {
  source = "../../modules/team"
  team   = "payments"
}

module "connectors" {
  source           = "../../modules/connectors"
  connectors_dir   = "\${path.root}/../../../connectors/${dir}"
  environment_id   = ${envVar}
  kafka_cluster_id = "lkc-prod01"
}
`;

const managed = (
  main: { path: string; content: string },
  over: { root?: string; tfvars?: string; sink?: string } = {},
): RuleExample => {
  const files: Record<string, string> = {
    ...managedModules,
    'terraform/environments/prod/main.tf': over.root ?? managedRoot('prod'),
    'terraform/environments/prod/terraform.tfvars': over.tfvars ?? 'environment_id = "env-prod01"\n',
    'connectors/prod/payments-orders-s3-sink.json': over.sink ?? managedSink('sa-payments'),
  };
  delete files[main.path];
  return { ...main, project: managedProject, files };
};

/** A self-managed dev environment beside the managed prod one: its Terraform root may run a Connect cluster, not connectors. */
const mixedProject = `${managedProject}  dev:
    cluster:
      type: self-managed
      connect: { urls: ['http://connect.dev.internal:8083'] }
`;

const selfManagedDev = (root: string): RuleExample => ({
  path: 'terraform/environments/dev/main.tf',
  content: root,
  project: mixedProject,
  files: {
    ...managedModules,
    'terraform/environments/prod/main.tf': managedRoot('prod'),
    'terraform/environments/prod/terraform.tfvars': 'environment_id = "env-prod01"\n',
    'connectors/prod/payments-orders-s3-sink.json': managedSink('sa-payments'),
    'connectors/dev/payments-orders-file-sink.json':
      JSON.stringify(
        {
          name: 'payments-orders-file-sink',
          config: {
            'connector.class': 'org.apache.kafka.connect.file.FileStreamSinkConnector',
            topics: 'payments.orders',
            file: '/tmp/orders',
            'tasks.max': '1',
          },
        },
        null,
        2,
      ) + '\n',
  },
});

const DEFS: Record<TfRuleId, { summary: string; failing: RuleExample; passing: RuleExample }> = {
  'terraform/syntax': {
    summary: 'A .tf or .tfvars file is not valid HCL',
    failing: tf('resource "aws_sns_topic" "alerts" {\n  name = "alerts"\n'),
    passing: tf('resource "aws_sns_topic" "alerts" {\n  name = "alerts"\n}\n'),
  },
  'terraform/unknown-type': {
    summary: 'A resource or data source type the provider does not have',
    failing: tf('resource "aws_sns_topik" "alerts" {\n  name = "alerts"\n}\n'),
    passing: tf('resource "aws_sns_topic" "alerts" {\n  name = "alerts"\n}\n'),
  },
  'terraform/unknown-argument': {
    summary: 'An argument the resource does not take (or one only the provider computes)',
    failing: tf('resource "aws_sns_topic" "alerts" {\n  nmae = "alerts"\n}\n'),
    passing: tf('resource "aws_sns_topic" "alerts" {\n  name = "alerts"\n}\n'),
  },
  'terraform/unknown-block': {
    summary: 'A nested block the resource does not have (or an argument written as a block)',
    failing: tf(
      'resource "aws_cloudwatch_log_group" "connect" {\n  name = "connect"\n  retention {\n    days = 30\n  }\n}\n',
    ),
    passing: tf(
      'resource "aws_cloudwatch_log_group" "connect" {\n  name              = "connect"\n  retention_in_days = 30\n}\n',
    ),
  },
  'terraform/missing-argument': {
    summary: 'A required argument or nested block is missing',
    failing: tf('resource "confluent_service_account" "payments" {\n  description = "payments connectors"\n}\n'),
    passing: tf(
      'resource "confluent_service_account" "payments" {\n  display_name = "sa-payments"\n  description  = "payments connectors"\n}\n',
    ),
  },
  'terraform/deprecated-argument': {
    summary: 'An argument the provider has deprecated',
    failing: tf(
      'resource "confluent_flink_artifact" "udf" {\n  cloud        = "AWS"\n  region       = "eu-west-1"\n  display_name = "udf"\n  class        = "io.example.Udf"\n\n  environment {\n    id = "env-123"\n  }\n}\n',
    ),
    passing: tf(
      'resource "confluent_flink_artifact" "udf" {\n  cloud        = "AWS"\n  region       = "eu-west-1"\n  display_name = "udf"\n\n  environment {\n    id = "env-123"\n  }\n}\n',
    ),
  },
  'terraform/undeclared-variable': {
    summary: 'var.x is used but no variable "x" is declared in the module',
    failing: tf('resource "aws_sns_topic" "alerts" {\n  name = var.topic_name\n}\n'),
    passing: tf(
      'variable "topic_name" {\n  type        = string\n  description = "SNS topic for alerts"\n}\n\nresource "aws_sns_topic" "alerts" {\n  name = var.topic_name\n}\n',
    ),
  },
  'terraform/unknown-module-input': {
    summary: 'A module call passes an input the module does not declare',
    failing: tf(
      'module "alerts" {\n  source = "./modules/topic"\n  name   = "alerts"\n  nmae   = "alerts"\n}\n',
      topicModule,
    ),
    passing: tf('module "alerts" {\n  source = "./modules/topic"\n  name   = "alerts"\n}\n', topicModule),
  },
  'terraform/missing-module-input': {
    summary: 'A module call leaves out an input that has no default',
    failing: tf('module "alerts" {\n  source = "./modules/topic"\n}\n', topicModule),
    passing: tf('module "alerts" {\n  source = "./modules/topic"\n  name   = "alerts"\n}\n', topicModule),
  },
  'terraform/dangling-reference': {
    summary: 'A reference to a resource, data source, local or module output that does not exist',
    failing: tf(
      'resource "aws_sns_topic" "alerts" {\n  name = "alerts"\n}\n\nresource "aws_sns_topic_subscription" "oncall" {\n  topic_arn = aws_sns_topic.alert.arn\n  protocol  = "email"\n  endpoint  = "oncall@example.com"\n}\n',
    ),
    passing: tf(
      'resource "aws_sns_topic" "alerts" {\n  name = "alerts"\n}\n\nresource "aws_sns_topic_subscription" "oncall" {\n  topic_arn = aws_sns_topic.alerts.arn\n  protocol  = "email"\n  endpoint  = "oncall@example.com"\n}\n',
    ),
  },
  'terraform/literal-secret': {
    summary: 'A secret written literally in a .tf or .tfvars file',
    failing: tf(
      'variable "db_password" {\n  type      = string\n  sensitive = true\n  default   = "hunter2-but-longer"\n}\n',
    ),
    passing: tf('variable "db_password" {\n  type      = string\n  sensitive = true\n}\n'),
  },
  'terraform/secret-not-sensitive': {
    summary: 'A secret variable or output is not marked sensitive = true',
    failing: tf(
      'resource "confluent_api_key" "payments" {\n  owner {\n    id          = "sa-123"\n    api_version = "iam/v2"\n    kind        = "ServiceAccount"\n  }\n}\n\noutput "payments_api_key_secret" {\n  value = confluent_api_key.payments.secret\n}\n',
    ),
    passing: tf(
      'resource "confluent_api_key" "payments" {\n  owner {\n    id          = "sa-123"\n    api_version = "iam/v2"\n    kind        = "ServiceAccount"\n  }\n}\n\noutput "payments_api_key_secret" {\n  value     = confluent_api_key.payments.secret\n  sensitive = true\n}\n',
    ),
  },
  'terraform/public-rest-port': {
    summary: 'The Kafka Connect REST port 8083 is open to 0.0.0.0/0',
    failing: tf(ingress('0.0.0.0/0')),
    passing: tf(ingress('10.0.0.0/16')),
  },
  'terraform/too-few-azs': {
    summary: 'The Connect service runs in fewer than 3 availability zones',
    failing: tf(ecs('["subnet-a", "subnet-b"]')),
    passing: tf(ecs('["subnet-a", "subnet-b", "subnet-c"]')),
  },
  'terraform/connector-not-deployed': {
    summary: "A managed environment's connector file that its Terraform root does not deploy",
    failing: managed({ path: 'terraform/environments/prod/main.tf', content: managedRoot('dev') }),
    passing: managed({ path: 'terraform/environments/prod/main.tf', content: managedRoot('prod') }),
  },
  'terraform/environment-mismatch': {
    summary: "Terraform's Confluent environment or cluster id differs from kcops.yaml's",
    failing: managed({
      path: 'terraform/environments/prod/terraform.tfvars',
      content: 'environment_id = "env-stag01"\n',
    }),
    passing: managed({
      path: 'terraform/environments/prod/terraform.tfvars',
      content: 'environment_id = "env-prod01"\n',
    }),
  },
  'terraform/unknown-service-account': {
    summary: 'A managed connector runs as a service account its Terraform does not create',
    failing: managed({ path: 'connectors/prod/payments-orders-s3-sink.json', content: managedSink('sa-orders') }),
    passing: managed({ path: 'connectors/prod/payments-orders-s3-sink.json', content: managedSink('sa-payments') }),
  },
  'terraform/deployment-mismatch': {
    summary: "A self-managed environment's Terraform root also creates its connectors as managed connectors",
    failing: selfManagedDev(managedRoot('dev').replace('var.environment_id', '"env-dev01"')),
    passing: selfManagedDev(
      'variable "connect_image" {\n  type        = string\n  description = "Kafka Connect image"\n}\n',
    ),
  },
};

export const terraformRules: RepoRule[] = (Object.keys(DEFS) as TfRuleId[]).map((id) => {
  const [category, severity] = TF_RULES[id];
  const d = DEFS[id];
  return repoRule({
    id,
    category,
    severity,
    summary: d.summary,
    examples: { failing: d.failing, passing: d.passing },
    check: (ctx) =>
      (ctx.terraform ?? [])
        .filter((f) => f.rule === id)
        .map((f) => ({
          message: f.message,
          file: f.file,
          at: { line: f.line, column: f.column },
          severity: f.severity,
          ...(f.hint ? { hint: f.hint } : {}),
        })),
  });
});

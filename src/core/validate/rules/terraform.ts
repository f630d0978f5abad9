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

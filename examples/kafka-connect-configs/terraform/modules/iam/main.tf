# AWS IAM for one environment: the self-managed workers' task roles, the CI deploy role (OIDC, no long-lived
# keys in CI) and, for managed S3/DynamoDB connectors, the role Confluent Cloud assumes (provider integration).

variable "name_prefix" {
  type        = string
  description = "Prefix of every IAM name, e.g. kcops-prod"
}

variable "environment" {
  type        = string
  description = "Environment name (dev, staging, prod)"
}

variable "secrets_path" {
  type        = string
  description = "Secrets Manager name prefix this environment's workers may read, e.g. kcops/prod/"
  validation {
    condition     = can(regex("/$", var.secrets_path))
    error_message = "secrets_path must end with a slash so that it cannot match another environment."
  }
}

variable "ci_oidc_provider_arn" {
  type        = string
  description = "ARN of the IAM OIDC provider of the CI system (e.g. token.actions.githubusercontent.com)"
}

variable "ci_subject" {
  type        = string
  description = "OIDC subject allowed to deploy, e.g. repo:acme/kafka-connect-configs:environment:prod"
}

variable "confluent_environment_id" {
  type        = string
  description = "Confluent Cloud environment id (env-...); empty when the environment is self-managed only"
  default     = ""
}

data "aws_caller_identity" "current" {}

data "aws_region" "current" {}

data "aws_iam_policy_document" "ecs_tasks_trust" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["ecs-tasks.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "connect_task" {
  name               = "${var.name_prefix}-connect-task"
  assume_role_policy = data.aws_iam_policy_document.ecs_tasks_trust.json
}

# The workers read secrets at run time through the AWS Secrets Manager config provider, so values never pass
# through Terraform state; the role can read only this environment's prefix.
data "aws_iam_policy_document" "read_env_secrets" {
  statement {
    actions   = ["secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"]
    resources = ["arn:aws:secretsmanager:${data.aws_region.current.region}:${data.aws_caller_identity.current.account_id}:secret:${var.secrets_path}*"]
  }
}

resource "aws_iam_role_policy" "connect_task_secrets" {
  name   = "read-${var.environment}-secrets"
  role   = aws_iam_role.connect_task.id
  policy = data.aws_iam_policy_document.read_env_secrets.json
}

resource "aws_iam_role" "connect_execution" {
  name               = "${var.name_prefix}-connect-execution"
  assume_role_policy = data.aws_iam_policy_document.ecs_tasks_trust.json
}

resource "aws_iam_role_policy_attachment" "connect_execution" {
  role       = aws_iam_role.connect_execution.name
  policy_arn = "arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy"
}

data "aws_iam_policy_document" "ci_trust" {
  statement {
    actions = ["sts:AssumeRoleWithWebIdentity"]
    principals {
      type        = "Federated"
      identifiers = [var.ci_oidc_provider_arn]
    }
    condition {
      test     = "StringEquals"
      variable = "token.actions.githubusercontent.com:sub"
      values   = [var.ci_subject]
    }
  }
}

resource "aws_iam_role" "ci_deploy" {
  name                 = "${var.name_prefix}-ci-deploy"
  assume_role_policy   = data.aws_iam_policy_document.ci_trust.json
  max_session_duration = 3600
}

output "connect_task_role_arn" {
  value       = aws_iam_role.connect_task.arn
  description = "Task role of the self-managed Connect workers"
}

output "connect_execution_role_arn" {
  value       = aws_iam_role.connect_execution.arn
  description = "Execution role of the self-managed Connect workers (pulls the image, writes logs)"
}

output "ci_deploy_role_arn" {
  value       = aws_iam_role.ci_deploy.arn
  description = "Role the pipeline assumes through OIDC"
}

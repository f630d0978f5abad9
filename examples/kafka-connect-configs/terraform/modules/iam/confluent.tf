# Managed S3/DynamoDB connectors reach AWS through a provider integration: Confluent gives an IAM role ARN and
# an external id, and the customer role below trusts exactly that pair.

variable "confluent_role_name" {
  type        = string
  description = "Name of the role managed connectors assume (must match customer_role_arn)"
  default     = "confluent-managed-connectors"
}

resource "confluent_provider_integration" "aws" {
  count        = var.confluent_environment_id == "" ? 0 : 1
  display_name = "${var.name_prefix}-aws"

  environment {
    id = var.confluent_environment_id
  }

  aws {
    customer_role_arn = "arn:aws:iam::${data.aws_caller_identity.current.account_id}:role/${var.confluent_role_name}"
  }
}

data "aws_iam_policy_document" "confluent_trust" {
  count = var.confluent_environment_id == "" ? 0 : 1
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "AWS"
      identifiers = [confluent_provider_integration.aws[0].aws[0].iam_role_arn]
    }
    condition {
      test     = "StringEquals"
      variable = "sts:ExternalId"
      values   = [confluent_provider_integration.aws[0].aws[0].external_id]
    }
  }
}

resource "aws_iam_role" "confluent" {
  count              = var.confluent_environment_id == "" ? 0 : 1
  name               = var.confluent_role_name
  assume_role_policy = data.aws_iam_policy_document.confluent_trust[0].json
}

output "confluent_provider_integration_id" {
  value       = one(confluent_provider_integration.aws[*].id)
  description = "Provider integration id for managed connectors (authentication.method = IAM Roles)"
}

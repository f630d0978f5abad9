# Managed connectors from connectors/<env>/*.json: the same files kcops validates, one source of truth.
# Non-secret keys go to config_nonsensitive; secret keys are read from AWS Secrets Manager (never literals in Git).
# Self-managed environments do not use this module: the pipeline runs `kcops apply` against the Connect REST API
# (see the episode), so the JSON files stay the only definition and kcops' plan/rollback/audit apply to them.

variable "connectors_dir" {
  type        = string
  description = "Folder of the environment's connector files, e.g. \"$${path.root}/../../../connectors/prod\""
}

variable "environment_id" {
  type        = string
  description = "Confluent Cloud environment id (env-...)"
}

variable "kafka_cluster_id" {
  type        = string
  description = "Kafka cluster id (lkc-...)"
}

variable "sensitive_config_keys" {
  type        = list(string)
  description = "Config keys whose values are secrets (read from Secrets Manager, sent as config_sensitive)"
  default     = ["connection.password", "aws.secret.access.key", "kafka.api.secret", "database.password"]
}

variable "secrets_path" {
  type        = string
  description = "Secrets Manager prefix; the secret <prefix><connector name> holds a JSON object of secret keys"
}

locals {
  files = fileset(var.connectors_dir, "*.json")
  connectors = {
    for f in local.files : jsondecode(file("${var.connectors_dir}/${f}")).name => jsondecode(file("${var.connectors_dir}/${f}"))
  }
  with_secrets = { for n, c in local.connectors : n => c if length(setintersection(keys(c.config), var.sensitive_config_keys)) > 0 }
}

data "aws_secretsmanager_secret_version" "connector" {
  for_each  = local.with_secrets
  secret_id = "${var.secrets_path}${each.key}"
}

resource "confluent_connector" "this" {
  for_each = local.connectors

  environment {
    id = var.environment_id
  }
  kafka_cluster {
    id = var.kafka_cluster_id
  }

  config_nonsensitive = merge(
    { for k, v in each.value.config : k => tostring(v) if !contains(var.sensitive_config_keys, k) },
    { "name" = each.key },
  )
  config_sensitive = {
    for k, v in try(jsondecode(data.aws_secretsmanager_secret_version.connector[each.key].secret_string), {}) : k => v
  }
  status = upper(try(each.value.state, "RUNNING"))
}

output "connector_names" {
  value       = sort(keys(confluent_connector.this))
  description = "Managed connectors this module owns"
}

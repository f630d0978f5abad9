# One team = one call of this module: a service account, its Kafka API key (owned by the account, written to
# Secrets Manager and never output), and role bindings limited to the team's topic and connector prefixes.
# No console roles are granted to people: humans act through the pipeline (REQ-SEC-002).

variable "team" {
  type        = string
  description = "Team name, e.g. payments"
}

variable "prefix" {
  type        = string
  description = "The team's topic and connector name prefix, e.g. payments-"
}

variable "consumer_groups" {
  type        = list(string)
  description = "Consumer group prefixes the team's sinks read with (connect-<name> for sink connectors)"
  default     = []
}

variable "organization_id" {
  type        = string
  description = "Confluent Cloud organization id"
}

variable "environment_id" {
  type        = string
  description = "Confluent Cloud environment id (env-...)"
}

variable "kafka_cluster" {
  type = object({
    id          = string
    api_version = string
    kind        = string
  })
  description = "The Kafka cluster (id, api_version, kind) the key is for"
}

variable "secrets_path" {
  type        = string
  description = "Secrets Manager prefix of the environment, e.g. kcops/prod/"
}

locals {
  cluster_crn = "crn://confluent.cloud/organization=${var.organization_id}/environment=${var.environment_id}/cloud-cluster=${var.kafka_cluster.id}"
  kafka_crn   = "${local.cluster_crn}/kafka=${var.kafka_cluster.id}"
}

resource "confluent_service_account" "team" {
  display_name = "sa-${var.team}"
  description  = "Connectors of team ${var.team} (managed by Terraform)"
}

resource "confluent_api_key" "team" {
  display_name = "sa-${var.team}-kafka"
  description  = "Kafka API key of sa-${var.team}"
  owner {
    id          = confluent_service_account.team.id
    api_version = confluent_service_account.team.api_version
    kind        = confluent_service_account.team.kind
  }
  managed_resource {
    id          = var.kafka_cluster.id
    api_version = var.kafka_cluster.api_version
    kind        = var.kafka_cluster.kind
    environment {
      id = var.environment_id
    }
  }
}

resource "confluent_role_binding" "topics_write" {
  principal   = "User:${confluent_service_account.team.id}"
  role_name   = "DeveloperWrite"
  crn_pattern = "${local.kafka_crn}/topic=${var.prefix}*"
}

resource "confluent_role_binding" "topics_read" {
  principal   = "User:${confluent_service_account.team.id}"
  role_name   = "DeveloperRead"
  crn_pattern = "${local.kafka_crn}/topic=${var.prefix}*"
}

resource "confluent_role_binding" "connectors" {
  principal   = "User:${confluent_service_account.team.id}"
  role_name   = "ResourceOwner"
  crn_pattern = "${local.cluster_crn}/connector=${var.prefix}*"
}

resource "confluent_role_binding" "groups" {
  for_each    = toset(var.consumer_groups)
  principal   = "User:${confluent_service_account.team.id}"
  role_name   = "DeveloperRead"
  crn_pattern = "${local.kafka_crn}/group=${each.value}*"
}

resource "aws_secretsmanager_secret" "api_key" {
  name        = "${var.secrets_path}${var.team}/kafka-api-key"
  description = "Kafka API key of sa-${var.team}"
}

resource "aws_secretsmanager_secret_version" "api_key" {
  secret_id = aws_secretsmanager_secret.api_key.id
  secret_string = jsonencode({
    key    = confluent_api_key.team.id
    secret = confluent_api_key.team.secret
  })
}

output "service_account_id" {
  value       = confluent_service_account.team.id
  description = "Id of sa-<team> (kafka.service.account.id of the team's managed connectors)"
}

output "api_key_secret_arn" {
  value       = aws_secretsmanager_secret.api_key.arn
  description = "Secrets Manager ARN holding the team's Kafka API key and secret"
}

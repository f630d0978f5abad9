# Confluent Cloud side of the prod environment: private networking, one module call per team, the managed
# connectors from connectors/prod/.

variable "organization_id" {
  type        = string
  description = "Confluent Cloud organization id"
}

variable "kafka_cluster_id" {
  type        = string
  description = "Dedicated Kafka cluster id (lkc-...)"
}

variable "database_endpoints" {
  type = map(object({
    nlb_arn = string
    domain  = string
  }))
  description = "Databases in the VPC that managed connectors reach over egress PrivateLink (internal NLB ARN and host name)"
  default     = {}
}

variable "privatelink_zones" {
  type        = list(string)
  description = "Availability zone ids for the PrivateLink network"
}

data "confluent_kafka_cluster" "main" {
  id = var.kafka_cluster_id
  environment {
    id = var.confluent_environment_id
  }
}

module "networking" {
  source           = "../../modules/networking"
  environment_id   = var.confluent_environment_id
  name             = "${local.name_prefix}-privatelink"
  region           = var.region
  zones            = var.privatelink_zones
  vpc_id           = var.vpc_id
  vpc_cidr         = var.vpc_cidr
  subnet_ids       = var.private_subnet_ids
  egress_endpoints = var.database_endpoints
}

# Onboarding a team is one module call.
module "team_payments" {
  source          = "../../modules/service-accounts"
  team            = "payments"
  prefix          = "payments-"
  consumer_groups = ["connect-payments-"]
  organization_id = var.organization_id
  environment_id  = var.confluent_environment_id
  kafka_cluster = {
    id          = data.confluent_kafka_cluster.main.id
    api_version = data.confluent_kafka_cluster.main.api_version
    kind        = data.confluent_kafka_cluster.main.kind
  }
  secrets_path = local.secrets_path
}

module "connectors" {
  source           = "../../modules/connectors"
  connectors_dir   = "${path.root}/../../../connectors/prod"
  environment_id   = var.confluent_environment_id
  kafka_cluster_id = data.confluent_kafka_cluster.main.id
  secrets_path     = local.secrets_path
}

output "payments_service_account_id" {
  value       = module.team_payments.service_account_id
  description = "kafka.service.account.id for the payments team's managed connectors"
}

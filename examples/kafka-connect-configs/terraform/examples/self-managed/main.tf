# Example: a self-managed (ECS Fargate) root module: one state per environment, in S3, encrypted, locked with the S3 native
# lockfile (use_lockfile, Terraform >= 1.10): no DynamoDB table to create, pay for and keep in sync; the lock lives
# next to the state it protects. Create the bucket once (versioning on) before the first `terraform init`.

terraform {
  required_version = ">= 1.10"
  required_providers {
    confluent = {
      source  = "confluentinc/confluent"
      version = "~> 2.83"
    }
    aws = {
      source  = "hashicorp/aws"
      version = "~> 6.25"
    }
  }
  backend "s3" {
    bucket       = "acme-kcops-terraform-state"
    key          = "kafka-connect/examples/self-managed.tfstate"
    region       = "eu-west-1"
    encrypt      = true
    use_lockfile = true
  }
}

# Credentials come from the environment of the pipeline (AWS: the OIDC-assumed role; Confluent:
# CONFLUENT_CLOUD_API_KEY / CONFLUENT_CLOUD_API_SECRET read from Secrets Manager), never from these files.
provider "aws" {
  region = var.region
  default_tags {
    tags = {
      environment = "dev"
      managed-by  = "terraform"
    }
  }
}

provider "confluent" {}

variable "region" {
  type        = string
  description = "AWS region"
  default     = "eu-west-1"
}

variable "vpc_id" {
  type        = string
  description = "VPC of the environment"
}

variable "vpc_cidr" {
  type        = string
  description = "CIDR of the VPC"
}

variable "private_subnet_ids" {
  type        = list(string)
  description = "Private subnets, one per availability zone (at least 3)"
  validation {
    condition     = length(var.private_subnet_ids) >= 3
    error_message = "Give at least 3 private subnets in 3 availability zones."
  }
}

variable "ci_oidc_provider_arn" {
  type        = string
  description = "ARN of the CI system's IAM OIDC provider"
}

variable "confluent_environment_id" {
  type        = string
  description = "Confluent Cloud environment id (env-...); empty for a self-managed-only environment"
  default     = ""
}

locals {
  environment  = "dev"
  name_prefix  = "kcops-dev"
  secrets_path = "kcops/dev/"
}

module "iam" {
  source                   = "../../modules/iam"
  name_prefix              = local.name_prefix
  environment              = local.environment
  secrets_path             = local.secrets_path
  ci_oidc_provider_arn     = var.ci_oidc_provider_arn
  ci_subject               = "repo:acme/kafka-connect-configs:environment:dev"
  confluent_environment_id = var.confluent_environment_id
}

output "ci_deploy_role_arn" {
  value       = module.iam.ci_deploy_role_arn
  description = "Role the pipeline assumes for this environment"
}

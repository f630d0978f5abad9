# Self-managed Kafka Connect of the prod environment on ECS Fargate. Connectors are deployed by `kcops apply`
# from connectors/prod/ (the pipeline), not by Terraform.

variable "connect_image" {
  type        = string
  description = "Kafka Connect image with the plugins baked in"
}

variable "bootstrap_servers" {
  type        = string
  description = "Kafka bootstrap servers of the environment"
}

module "connect_cluster" {
  source             = "../../modules/connect-cluster"
  name               = "connect-prod"
  environment        = local.environment
  vpc_id             = var.vpc_id
  vpc_cidr           = var.vpc_cidr
  private_subnet_ids = var.private_subnet_ids
  image              = var.connect_image
  bootstrap_servers  = var.bootstrap_servers
  task_role_arn      = module.iam.connect_task_role_arn
  execution_role_arn = module.iam.connect_execution_role_arn
}

output "connect_rest_url" {
  value       = module.connect_cluster.rest_url
  description = "Internal REST URL for kcops.yaml (cluster.connect.urls)"
}

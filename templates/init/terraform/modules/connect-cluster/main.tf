# Self-managed Kafka Connect on ECS Fargate. Fargate rather than EKS: a Connect cluster is one stateless service
# whose workers coordinate through Kafka, so ECS gives AZ spreading, rolling deploys and autoscaling without running
# a Kubernetes control plane, node groups and their upgrades for a single workload.

variable "name" {
  type        = string
  description = "Name of the Connect cluster, e.g. connect-prod"
}

variable "environment" {
  type        = string
  description = "Environment name (dev, staging, prod)"
}

variable "vpc_id" {
  type        = string
  description = "VPC of the workers"
}

variable "vpc_cidr" {
  type        = string
  description = "CIDR allowed to reach the REST API through the internal load balancer"
}

variable "private_subnet_ids" {
  type        = list(string)
  description = "Private subnets, one per availability zone"
  validation {
    condition     = length(var.private_subnet_ids) >= 3
    error_message = "Give at least 3 private subnets in 3 availability zones."
  }
}

variable "image" {
  type        = string
  description = "Kafka Connect image with the plugins baked in"
}

variable "bootstrap_servers" {
  type        = string
  description = "Kafka bootstrap servers"
}

variable "task_role_arn" {
  type        = string
  description = "Task role (reads only this environment's secrets); from the iam module"
}

variable "execution_role_arn" {
  type        = string
  description = "Execution role; from the iam module"
}

variable "desired_count" {
  type        = number
  description = "Workers at rest (at least one per availability zone)"
  default     = 3
}

variable "max_count" {
  type        = number
  description = "Most workers autoscaling may run"
  default     = 9
}

variable "log4j_config" {
  type        = string
  description = "Worker log4j2 configuration inside the image: observability/logging/log4j2-json.properties of this repository (JsonTemplateLayout on stdout, one JSON document per event, so each CloudWatch event is one whole log entry with its stack trace). The image needs log4j-layout-template-json on the classpath and kcops-connect-log.json beside the file; see docs/reference/log-shipping.md of kcops"
  default     = "/etc/kafka-connect/log4j2-json.properties"
}

variable "log_retention_days" {
  type        = number
  description = "CloudWatch retention of the worker logs"
  default     = 30
}

locals {
  rest_port = 8083
  # Worker configuration: group id and internal topics per cluster, RF 3, secrets resolved by config providers
  # at run time (never through Terraform state), JSON log layout.
  worker_env = {
    CONNECT_BOOTSTRAP_SERVERS                   = var.bootstrap_servers
    CONNECT_GROUP_ID                            = var.name
    CONNECT_CONFIG_STORAGE_TOPIC                = "_${var.name}-configs"
    CONNECT_OFFSET_STORAGE_TOPIC                = "_${var.name}-offsets"
    CONNECT_STATUS_STORAGE_TOPIC                = "_${var.name}-status"
    CONNECT_CONFIG_STORAGE_REPLICATION_FACTOR   = "3"
    CONNECT_OFFSET_STORAGE_REPLICATION_FACTOR   = "3"
    CONNECT_STATUS_STORAGE_REPLICATION_FACTOR   = "3"
    CONNECT_REST_PORT                           = tostring(local.rest_port)
    CONNECT_CONFIG_PROVIDERS                    = "secretsmanager"
    CONNECT_CONFIG_PROVIDERS_SECRETSMANAGER_CLASS = "com.amazonaws.secretsmanager.caching.kafka.SecretsManagerConfigProvider"
    # Kafka's start scripts (and the images built on them) pass KAFKA_LOG4J_OPTS to the JVM: log4j2 JSON layout.
    KAFKA_LOG4J_OPTS                            = "-Dlog4j2.configurationFile=${var.log4j_config}"
  }
}

resource "aws_cloudwatch_log_group" "connect" {
  name              = "/kcops/${var.environment}/${var.name}"
  retention_in_days = var.log_retention_days
}

resource "aws_ecs_cluster" "this" {
  name = var.name
  setting {
    name  = "containerInsights"
    value = "enabled"
  }
}

resource "aws_security_group" "lb" {
  name        = "${var.name}-rest-lb"
  description = "Internal load balancer of the Connect REST API"
  vpc_id      = var.vpc_id
}

resource "aws_vpc_security_group_ingress_rule" "lb_from_vpc" {
  security_group_id = aws_security_group.lb.id
  description       = "REST API from inside the VPC only"
  ip_protocol       = "tcp"
  from_port         = local.rest_port
  to_port           = local.rest_port
  cidr_ipv4         = var.vpc_cidr
}

resource "aws_vpc_security_group_egress_rule" "lb_to_workers" {
  security_group_id            = aws_security_group.lb.id
  ip_protocol                  = "tcp"
  from_port                    = local.rest_port
  to_port                      = local.rest_port
  referenced_security_group_id = aws_security_group.workers.id
}

resource "aws_security_group" "workers" {
  name        = "${var.name}-workers"
  description = "Connect workers: REST from the load balancer and from each other"
  vpc_id      = var.vpc_id
}

resource "aws_vpc_security_group_ingress_rule" "workers_from_lb" {
  security_group_id            = aws_security_group.workers.id
  ip_protocol                  = "tcp"
  from_port                    = local.rest_port
  to_port                      = local.rest_port
  referenced_security_group_id = aws_security_group.lb.id
}

resource "aws_vpc_security_group_ingress_rule" "workers_from_workers" {
  security_group_id            = aws_security_group.workers.id
  ip_protocol                  = "tcp"
  from_port                    = local.rest_port
  to_port                      = local.rest_port
  referenced_security_group_id = aws_security_group.workers.id
}

resource "aws_vpc_security_group_egress_rule" "workers_out" {
  security_group_id = aws_security_group.workers.id
  description       = "Kafka, databases, AWS APIs (through NAT or VPC endpoints)"
  ip_protocol       = "-1"
  cidr_ipv4         = "0.0.0.0/0"
}

resource "aws_lb" "rest" {
  name               = var.name
  internal           = true
  load_balancer_type = "application"
  security_groups    = [aws_security_group.lb.id]
  subnets            = var.private_subnet_ids
}

resource "aws_lb_target_group" "rest" {
  name        = var.name
  port        = local.rest_port
  protocol    = "HTTP"
  target_type = "ip"
  vpc_id      = var.vpc_id
  health_check {
    path    = "/"
    matcher = "200"
  }
}

resource "aws_lb_listener" "rest" {
  load_balancer_arn = aws_lb.rest.arn
  port              = local.rest_port
  protocol          = "HTTP"
  default_action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.rest.arn
  }
}

resource "aws_ecs_task_definition" "connect" {
  family                   = var.name
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = "2048"
  memory                   = "4096"
  task_role_arn            = var.task_role_arn
  execution_role_arn       = var.execution_role_arn
  container_definitions = jsonencode([{
    name         = "connect"
    image        = var.image
    essential    = true
    portMappings = [{ containerPort = local.rest_port, protocol = "tcp" }]
    environment  = [for k, v in local.worker_env : { name = k, value = v }]
    logConfiguration = {
      logDriver = "awslogs"
      options = {
        awslogs-group         = aws_cloudwatch_log_group.connect.name
        awslogs-region        = data.aws_region.current.region
        awslogs-stream-prefix = "connect"
      }
    }
  }])
}

data "aws_region" "current" {}

resource "aws_ecs_service" "connect" {
  name            = var.name
  cluster         = aws_ecs_cluster.this.id
  task_definition = aws_ecs_task_definition.connect.arn
  desired_count   = var.desired_count
  launch_type     = "FARGATE"

  # Fargate spreads the tasks of a service over the availability zones of these subnets.
  network_configuration {
    subnets          = var.private_subnet_ids
    security_groups  = [aws_security_group.workers.id]
    assign_public_ip = false
  }

  load_balancer {
    target_group_arn = aws_lb_target_group.rest.arn
    container_name   = "connect"
    container_port   = local.rest_port
  }

  deployment_circuit_breaker {
    enable   = true
    rollback = true
  }

  lifecycle {
    ignore_changes = [desired_count]
  }

  depends_on = [aws_lb_listener.rest]
}

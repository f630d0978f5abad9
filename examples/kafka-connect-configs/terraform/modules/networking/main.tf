# Private connectivity (REQ-SEC-003): a Confluent PRIVATELINK network, the access for this AWS account, the interface
# VPC endpoint and the private DNS zone that resolves the cluster to it (ingress: clients -> Kafka); and egress access
# points so that managed connectors reach databases inside the VPC (egress: connectors -> databases). Nothing is
# reachable from the internet, in either direction.

variable "environment_id" {
  type        = string
  description = "Confluent Cloud environment id (env-...)"
}

variable "name" {
  type        = string
  description = "Display name of the network"
}

variable "region" {
  type        = string
  description = "AWS region of the network and the VPC"
}

variable "zones" {
  type        = list(string)
  description = "Availability zone ids (use1-az1, ...), at least 3"
  validation {
    condition     = length(var.zones) >= 3
    error_message = "A PrivateLink network needs 3 availability zones."
  }
}

variable "vpc_id" {
  type        = string
  description = "VPC of the clients (Connect workers, applications)"
}

variable "vpc_cidr" {
  type        = string
  description = "CIDR of the VPC, allowed to reach the endpoint"
}

variable "subnet_ids" {
  type        = list(string)
  description = "One private subnet per zone for the endpoint"
}

variable "egress_endpoints" {
  type = map(object({
    nlb_arn = string
    domain  = string
  }))
  description = "Databases managed connectors reach over egress PrivateLink: an internal Network Load Balancer in front of each (nlb_arn) and the host name connectors use for it (domain, e.g. orders-db.prod.example.com)"
  default     = {}
  validation {
    condition     = alltrue([for e in values(var.egress_endpoints) : can(regex("^arn:aws[a-z-]*:elasticloadbalancing:", e.nlb_arn))])
    error_message = "nlb_arn must be the ARN of a Network Load Balancer (internal, in front of the database)."
  }
}

data "aws_caller_identity" "current" {}

resource "confluent_network" "private_link" {
  display_name     = var.name
  cloud            = "AWS"
  region           = var.region
  connection_types = ["PRIVATELINK"]
  zones            = var.zones
  environment {
    id = var.environment_id
  }
  dns_config {
    resolution = "PRIVATE"
  }
}

resource "confluent_private_link_access" "aws" {
  display_name = "${var.name}-${data.aws_caller_identity.current.account_id}"
  aws {
    account = data.aws_caller_identity.current.account_id
  }
  environment {
    id = var.environment_id
  }
  network {
    id = confluent_network.private_link.id
  }
}

resource "aws_security_group" "endpoint" {
  name        = "${var.name}-privatelink"
  description = "Kafka over PrivateLink from inside the VPC"
  vpc_id      = var.vpc_id
}

resource "aws_vpc_security_group_ingress_rule" "endpoint" {
  for_each          = toset(["443", "9092"])
  security_group_id = aws_security_group.endpoint.id
  ip_protocol       = "tcp"
  from_port         = tonumber(each.value)
  to_port           = tonumber(each.value)
  cidr_ipv4         = var.vpc_cidr
}

resource "aws_vpc_endpoint" "confluent" {
  vpc_id              = var.vpc_id
  service_name        = confluent_network.private_link.aws[0].private_link_endpoint_service
  vpc_endpoint_type   = "Interface"
  subnet_ids          = var.subnet_ids
  security_group_ids  = [aws_security_group.endpoint.id]
  private_dns_enabled = false
  depends_on          = [confluent_private_link_access.aws]
}

resource "aws_route53_zone" "confluent" {
  name = confluent_network.private_link.dns_domain
  vpc {
    vpc_id = var.vpc_id
  }
}

resource "aws_route53_record" "wildcard" {
  zone_id = aws_route53_zone.confluent.zone_id
  name    = "*.${aws_route53_zone.confluent.name}"
  type    = "CNAME"
  ttl     = 60
  records = [aws_vpc_endpoint.confluent.dns_entry[0].dns_name]
}

# ---- egress: managed connectors -> databases in the VPC
# Each database is published as a VPC endpoint service (behind its internal NLB) that only Confluent's egress gateway
# principal may connect to; Confluent creates the endpoint in its network (the access point), and the DNS record makes
# the database's own host name resolve to it inside Confluent Cloud, so connector configs keep the real host name.

data "confluent_gateway" "egress" {
  id = confluent_network.private_link.gateway[0].id
  environment {
    id = var.environment_id
  }
}

resource "aws_vpc_endpoint_service" "database" {
  for_each                   = var.egress_endpoints
  acceptance_required        = false
  network_load_balancer_arns = [each.value.nlb_arn]
  allowed_principals         = [data.confluent_gateway.egress.aws_egress_private_link_gateway[0].principal_arn]
  tags = {
    Name = "${var.name}-${each.key}"
  }
}

resource "confluent_access_point" "database" {
  for_each     = var.egress_endpoints
  display_name = "${var.name}-${each.key}"
  environment {
    id = var.environment_id
  }
  gateway {
    id = confluent_network.private_link.gateway[0].id
  }
  aws_egress_private_link_endpoint {
    vpc_endpoint_service_name = aws_vpc_endpoint_service.database[each.key].service_name
    enable_high_availability  = true
  }
}

resource "confluent_dns_record" "database" {
  for_each     = var.egress_endpoints
  display_name = "${var.name}-${each.key}"
  domain       = each.value.domain
  environment {
    id = var.environment_id
  }
  gateway {
    id = confluent_network.private_link.gateway[0].id
  }
  private_link_access_point {
    id = confluent_access_point.database[each.key].id
  }
}

output "network_id" {
  value       = confluent_network.private_link.id
  description = "Confluent network id (n-...) for the dedicated Kafka cluster"
}

output "vpc_endpoint_id" {
  value       = aws_vpc_endpoint.confluent.id
  description = "Interface VPC endpoint to Confluent Cloud"
}

output "egress_access_point_ids" {
  value       = { for k, ap in confluent_access_point.database : k => ap.id }
  description = "Egress access point per database (ap-...), for connectors that reach it"
}

# Non-secret inputs of the dev environment. Secrets never go here: the pipeline reads them from Secrets Manager.
region                   = "eu-west-1"
vpc_id                   = "vpc-0a1b2c3d4e5f60718"
vpc_cidr                 = "10.20.0.0/16"
private_subnet_ids       = ["subnet-0aaa1111bbbb2222c", "subnet-0ddd3333eeee4444f", "subnet-0fff5555aaaa6666b"]
ci_oidc_provider_arn     = "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com"
connect_image            = "123456789012.dkr.ecr.eu-west-1.amazonaws.com/kafka-connect:3.9.1-kcops"
bootstrap_servers        = "b-1.kafka.dev.internal:9092,b-2.kafka.dev.internal:9092,b-3.kafka.dev.internal:9092"

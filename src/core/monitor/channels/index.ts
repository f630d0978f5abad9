import { destinationName, type AlertDestination } from '../alert-config.js';
import type { Channel, ResolveSecret } from './channel.js';
import { emailChannel } from './email.js';
import { opsgenieChannel } from './opsgenie.js';
import { pagerdutyChannel } from './pagerduty.js';
import { slackChannel } from './slack.js';
import { teamsChannel } from './teams.js';

export function channelFor(d: AlertDestination, secret: ResolveSecret): Channel {
  const name = destinationName(d);
  switch (d.type) {
    case 'email':
      return emailChannel(d, name, secret);
    case 'slack':
      return slackChannel(d, name, secret);
    case 'teams':
      return teamsChannel(d, name, secret);
    case 'pagerduty':
      return pagerdutyChannel(d, name, secret);
    case 'opsgenie':
      return opsgenieChannel(d, name, secret);
  }
}

"""Register an Open311 client system and print its api_key (shown this once), or list them."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from open311.models import ClientSystem
from open311.services import client_create
from orders.choices import Channel


class Command(BaseCommand):
    help = "Register an Open311 client system (prints its api_key once) or list the registered ones."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        add = sub.add_parser("add", help="register a client system")
        add.add_argument("name")
        add.add_argument("--channel", default=Channel.APP, choices=Channel.values)
        sub.add_parser("list", help="list the client systems")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "list":
            for client in ClientSystem.objects.order_by("name"):
                state = "active" if client.is_active else "off"
                self.stdout.write(f"{client.name}\t{client.channel}\t{client.key_hint}…\t{state}")
            return
        if ClientSystem.objects.filter(name=options["name"]).exists():
            raise CommandError(f"a client named {options['name']!r} exists")
        client, key = client_create(name=options["name"], channel=options["channel"])
        self.stdout.write(f"{client.name} ({client.channel}) api_key: {key}")
        self.stdout.write("Keep it: only its hash is stored.")

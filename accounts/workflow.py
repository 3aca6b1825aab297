"""The "Profile approval" workflow that self-created profiles go through.

Created (with its one group-approval task for Moderators and Editors) by the data
migration 0002; `profile_workflow()` makes sure it exists and is assigned to the
directory page, because a directory page created after the migration (a new site,
the tests) would otherwise have none and the profile would go live unreviewed.
"""

from __future__ import annotations

from django.contrib.auth.models import Group
from django.db import transaction
from wagtail.models import GroupApprovalTask, Workflow, WorkflowPage

WORKFLOW_NAME = "Profile approval"
TASK_NAME = "Approve researcher profile"
APPROVER_GROUPS = ("Moderators", "Editors")


@transaction.atomic
def profile_workflow(index) -> Workflow:
    """The approval workflow, created and assigned to `index` when missing."""
    workflow = Workflow.objects.filter(name=WORKFLOW_NAME).first()
    if workflow is None:
        workflow = Workflow.objects.create(name=WORKFLOW_NAME, active=True)
        task = GroupApprovalTask.objects.create(name=TASK_NAME, active=True)
        task.groups.set(Group.objects.filter(name__in=APPROVER_GROUPS))
        workflow.workflow_tasks.create(task=task, sort_order=0)
    if not WorkflowPage.objects.filter(page=index).exists():
        WorkflowPage.objects.create(page=index, workflow=workflow)
    return workflow

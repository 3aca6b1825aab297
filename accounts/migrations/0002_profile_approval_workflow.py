"""The "Profile approval" workflow: one group-approval task for Moderators and Editors,
assigned to the directory page when there is one (accounts/workflow.py assigns it
to a directory page created later)."""

from django.db import migrations

WORKFLOW_NAME = "Profile approval"
TASK_NAME = "Approve researcher profile"


def create_workflow(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Group = apps.get_model("auth", "Group")
    Workflow = apps.get_model("wagtailcore", "Workflow")
    WorkflowTask = apps.get_model("wagtailcore", "WorkflowTask")
    WorkflowPage = apps.get_model("wagtailcore", "WorkflowPage")
    GroupApprovalTask = apps.get_model("wagtailcore", "GroupApprovalTask")
    DirectoryIndexPage = apps.get_model("directory", "DirectoryIndexPage")
    if Workflow.objects.filter(name=WORKFLOW_NAME).exists():
        return
    content_type, _ = ContentType.objects.get_or_create(
        app_label="wagtailcore", model="groupapprovaltask"
    )
    task = GroupApprovalTask.objects.create(name=TASK_NAME, active=True, content_type=content_type)
    task.groups.set(Group.objects.filter(name__in=["Moderators", "Editors"]))
    workflow = Workflow.objects.create(name=WORKFLOW_NAME, active=True)
    WorkflowTask.objects.create(workflow=workflow, task=task, sort_order=0)
    for index in DirectoryIndexPage.objects.all():
        if not WorkflowPage.objects.filter(page_id=index.pk).exists():
            WorkflowPage.objects.create(page_id=index.pk, workflow=workflow)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_claims_invitations_consent"),
        ("directory", "0009_facility_access_label"),
        ("wagtailcore", "0098_apitoken"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(create_workflow, migrations.RunPython.noop)]
